"""Planassistenten: questions about Norwegian plan documents, answered from cited passages."""
