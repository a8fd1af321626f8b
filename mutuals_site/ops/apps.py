from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "mutuals_site.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self):
        from django.test.signals import setting_changed

        from . import csp, dataversion

        dataversion.connect_signals()
        setting_changed.connect(lambda **kwargs: csp.site_policy.cache_clear(), weak=False)
