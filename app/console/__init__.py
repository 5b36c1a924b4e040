"""The web console's building blocks: sessions and CSRF, strings in French and English, forms, diffs, pages."""
