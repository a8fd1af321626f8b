from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hash static files, and rewrite ES module imports to the hashed names too."""

    support_js_module_import_aggregation = True
