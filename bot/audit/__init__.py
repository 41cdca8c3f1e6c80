"""The audit log (who changed what and when) and the unmatched questions
behind the catalogue's gap report."""
