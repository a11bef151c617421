"""dbt-omni: a dbt project, exported as an Omni semantic model.

dbt-core imports every top-level `dbt_*` module on every command and reads its
`plugins` attribute, so this module stays tiny: the plugin class (and dbt's own
modules it needs) are imported only when dbt asks for `plugins`.
"""

__version__ = "0.1.0"
__all__ = ["__version__", "plugins"]


def __getattr__(name):
    if name == "plugins":
        from dbt_omni.plugin import OmniPlugin

        return [OmniPlugin]
    raise AttributeError(f"module 'dbt_omni' has no attribute {name!r}")
