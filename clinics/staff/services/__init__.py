"""Writes of the staff side that span several models or send mail, one module per flow."""
