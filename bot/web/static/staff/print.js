// The print button; kept out of the page so a strict Content-Security-Policy can forbid inline script.
document.getElementById("print-button")?.addEventListener("click", () => window.print());
