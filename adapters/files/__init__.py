"""Documents kept on the local file system (export documents under ``VAR_DIR``)."""
