"""Feature dashboards (Anthropic feature format): ids, the upload schema, settings, the shipped
demo files, their models, write paths and API."""
