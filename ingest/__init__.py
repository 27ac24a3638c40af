"""Reading plan files (PDF, TXT, Markdown) into pages, sections, passages and initiatives."""
