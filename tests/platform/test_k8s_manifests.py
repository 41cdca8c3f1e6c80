"""deploy/k8s: every manifest loads as YAML and hangs together (no cluster here):
each object names its kind and namespace, each workload's selector matches its
pods' labels, each container asks for resources and refers only to ConfigMaps and
Secrets defined here, each Service selects pods that exist, on a port they open."""

from pathlib import Path

import pytest
import yaml

K8S = Path(__file__).resolve().parent.parent.parent / "deploy" / "k8s"
WORKLOADS = {"Deployment", "StatefulSet", "Job"}


def documents():
    found = []
    for path in sorted(K8S.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document:
                found.append((path.name, document))
    return found


def pod_spec(document):
    return document["spec"]["template"]["spec"]


def test_there_are_manifests_for_every_tier():
    names = {(document["kind"], document["metadata"]["name"]) for _, document in documents()}
    for tier in ("onewindow-web", "onewindow-rasa", "onewindow-actions", "onewindow-postgres", "onewindow-redis"):
        assert ("Service", tier) in names


@pytest.mark.parametrize("source,document", documents(), ids=lambda value: value if isinstance(value, str) else "")
def test_each_object_is_well_formed(source, document):
    assert document.get("apiVersion") and document.get("kind"), source
    metadata = document["metadata"]
    assert metadata.get("name"), source
    if document["kind"] != "Namespace":
        assert metadata.get("namespace") == "onewindow", f"{source}: {metadata['name']}"


def test_workloads_select_their_pods_and_refer_to_what_exists():
    objects = documents()
    defined = {(document["kind"], document["metadata"]["name"]) for _, document in objects}
    for source, document in objects:
        if document["kind"] not in WORKLOADS:
            continue
        name = document["metadata"]["name"]
        if document["kind"] != "Job":
            selector = document["spec"]["selector"]["matchLabels"]
            labels = document["spec"]["template"]["metadata"]["labels"]
            assert selector.items() <= labels.items(), f"{source}: {name}"
        spec = pod_spec(document)
        for container in spec.get("initContainers", []) + spec["containers"]:
            assert container.get("resources", {}).get("requests") or container in spec.get("initContainers", []), (
                f"{source}: {name}/{container['name']} has no resource requests"
            )
            for reference in container.get("envFrom", []):
                if "configMapRef" in reference:
                    assert ("ConfigMap", reference["configMapRef"]["name"]) in defined
                if "secretRef" in reference:
                    assert ("Secret", reference["secretRef"]["name"]) in defined
            for variable in container.get("env", []):
                secret = variable.get("valueFrom", {}).get("secretKeyRef")
                if secret:
                    assert ("Secret", secret["name"]) in defined
            mounted = {volume["name"] for volume in spec.get("volumes", [])}
            mounted |= {claim["metadata"]["name"] for claim in document["spec"].get("volumeClaimTemplates", [])}
            for mount in container.get("volumeMounts", []):
                assert mount["name"] in mounted, f"{source}: {name} mounts unknown volume {mount['name']}"


def test_services_select_pods_on_ports_they_open():
    objects = documents()
    pods = []
    for _, document in objects:
        if document["kind"] in WORKLOADS and "metadata" in document["spec"]["template"]:
            ports = {p["containerPort"] for c in pod_spec(document)["containers"] for p in c.get("ports", [])}
            pods.append((document["spec"]["template"]["metadata"]["labels"], ports))
    for source, document in objects:
        if document["kind"] != "Service":
            continue
        selector = document["spec"]["selector"]
        matching = [ports for labels, ports in pods if selector.items() <= labels.items()]
        assert matching, f"{source}: Service {document['metadata']['name']} selects no pods"
        for port in document["spec"]["ports"]:
            assert port.get("targetPort", port["port"]) in matching[0], f"{source}: {document['metadata']['name']}"


def test_the_web_tier_is_sticky_for_websockets():
    web = next(d for _, d in documents() if d["kind"] == "Service" and d["metadata"]["name"] == "onewindow-web")
    assert web["spec"]["sessionAffinity"] == "ClientIP"
