"""The dbt-core plugin: the Omni model is written whenever dbt writes manifest.json."""
from __future__ import annotations

from dbt.plugins.manager import dbt_hook, dbtPlugin

from dbt_omni import shims

shims.install_jinja_module()


class OmniPlugin(dbtPlugin):
    @dbt_hook
    def get_manifest_artifacts(self, manifest):
        """Export, or do nothing when nothing changed; returns no artifact for dbt to write."""
        from dbt_omni.config import load_settings
        from dbt_omni.errors import OmniExportError
        from dbt_omni.export import ExportContext, export
        from dbt_omni.manifests import from_live_manifest

        shims.remember_manifest(manifest)
        facts = shims.invocation(manifest.metadata.adapter_type)
        try:
            settings = load_settings(facts["project_dir"], facts["cli_vars"])
            if not settings.write_on_parse:
                return {}
            context = ExportContext(facts["project_dir"], facts["target_name"], facts["target_path"])
            result = export(
                lambda catalog: from_live_manifest(manifest, self.project_name, catalog),
                settings,
                context,
                catalog_path=facts["project_dir"] / facts["target_path"] / "catalog.json",
            )
        except OmniExportError as exc:
            # dbt prefixes the hook's name; the text is ours, with file, model and key.
            raise RuntimeError(str(exc) + "\n(turn the plugin off with vars: {dbt_omni: {write_on_parse: false}})") from None
        if result.written:
            for warning in result.warnings:
                shims.log(f"dbt-omni warning: {warning}")
            shims.log(result.summary())
        return {}
