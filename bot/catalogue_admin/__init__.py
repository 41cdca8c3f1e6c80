"""Web pages and JSON API for service owners keeping the catalogue current."""
