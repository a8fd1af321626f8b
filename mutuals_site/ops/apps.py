from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "mutuals_site.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self):
        from django.test.signals import setting_changed

        from . import csp, dataversion

        dataversion.connect_signals()

        def forget_policies(**kwargs):
            csp.site_policy.cache_clear()
            csp.embed_pattern.cache_clear()

        setting_changed.connect(forget_policies, weak=False)
