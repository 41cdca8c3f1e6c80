"""One rule names a municipality in a language: the bundle's view, the answers it shows back and the chat text
all use place_label."""

from onewindow_catalogue.municipalities import Municipality, place_label

OTTAWA = Municipality(name="City of Ottawa", short_name="Ottawa", tier="single-tier", region=None)


def test_english_says_the_official_name():
    assert place_label(OTTAWA, "en") == "City of Ottawa"


def test_french_says_the_place_itself():
    assert place_label(OTTAWA, "fr") == "Ottawa"


def test_french_without_a_short_name_falls_back_to_the_official_name():
    nameless = Municipality(name="Township of Nowhere", short_name="", tier="lower-tier", region=None)
    assert place_label(nameless, "fr") == "Township of Nowhere"
    assert place_label({"name": "Township of Nowhere"}, "fr") == "Township of Nowhere"


def test_a_bundle_view_follows_the_same_rule():
    view = {"name": "City of Ottawa", "short_name": "Ottawa"}
    assert place_label(view, "en") == "City of Ottawa"
    assert place_label(view, "fr") == "Ottawa"
