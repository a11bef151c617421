"""vars: dbt_omni: from dbt_project.yml and --vars, with env_var() rendered as dbt would."""
from __future__ import annotations

from pathlib import Path

import pytest

from dbt_omni.config import load_settings, profile_targets, settings_from_dict
from dbt_omni.errors import OmniExportError
from testkit import one_problem, render_files, shop_manifest


def project(tmp_path: Path, block: str) -> Path:
    (tmp_path / "dbt_project.yml").write_text("name: shop\nvars:\n  dbt_omni:\n" + block)
    return tmp_path


def test_env_var_is_rendered_in_the_project_block(tmp_path, monkeypatch):
    monkeypatch.setenv("OMNI_CONNECTION", "warehouse_prod")
    settings = load_settings(project(tmp_path, "    connection: \"{{ env_var('OMNI_CONNECTION') }}\"\n"
                                               "    model_file: {week_start_day: \"{{ env_var('WEEK_START', 'Monday') }}\"}\n"
                                               "    select: [\"tag:{{ env_var('OMNI_CONNECTION') }}\"]\n"))
    assert settings.connection == "warehouse_prod"
    assert settings.model_file == {"week_start_day": "Monday"}
    assert settings.select == ("tag:warehouse_prod",)


def test_env_var_is_rendered_in_cli_vars_too(tmp_path, monkeypatch):
    monkeypatch.setenv("OMNI_OUT", "omni_ci")
    settings = load_settings(project(tmp_path, "    connection: dev\n"),
                             {"dbt_omni": {"output_dir": "{{ env_var('OMNI_OUT') }}"}})
    assert (settings.output_dir, settings.connection) == ("omni_ci", "dev")


@pytest.mark.parametrize("setting", ["    connection: \"{{ env_var('DBT_ENV_SECRET_OMNI') }}\"\n",
                                     "    model_file: {week_start_day: \"{{ env_var('DBT_ENV_SECRET_OMNI', 'x') }}\"}\n"])
def test_a_secret_env_var_is_refused_without_saying_its_value(tmp_path, monkeypatch, setting):
    """dbt keeps DBT_ENV_SECRET_* for credentials and masks them; these settings go into model.yaml and
    omni_export.json (the value was written there, and into warnings dbt-omni export printed unmasked)."""
    monkeypatch.setenv("DBT_ENV_SECRET_OMNI", "hunter2")
    with pytest.raises(OmniExportError) as info:
        load_settings(project(tmp_path, setting))
    assert "environment variable DBT_ENV_SECRET_OMNI is a secret" in str(info.value)
    assert "hunter2" not in str(info.value)
    assert info.value.problems[0].key.startswith(("vars.dbt_omni.connection", "vars.dbt_omni.model_file.week_start_day"))


def test_a_missing_env_var_names_the_file_and_key(tmp_path, monkeypatch):
    monkeypatch.delenv("OMNI_CONNECTION", raising=False)
    with pytest.raises(OmniExportError) as info:
        load_settings(project(tmp_path, "    connection: \"{{ env_var('OMNI_CONNECTION') }}\"\n"))
    problem = info.value.problems[0]
    assert problem.file.endswith("dbt_project.yml") and problem.key == "vars.dbt_omni.connection"
    assert "OMNI_CONNECTION is not set" in str(info.value)


def test_other_jinja_is_a_clear_error_not_a_traceback(tmp_path):
    with pytest.raises(OmniExportError) as info:
        load_settings(project(tmp_path, "    connection: \"omni_{{ target.name }}\"\n"))
    assert info.value.problems[0].key == "vars.dbt_omni.connection"
    assert "the only Jinja these settings take" in str(info.value)


@pytest.mark.parametrize("expression", ["{{ 1/0 }}", "{{ env_var(1) }}"])
def test_jinja_that_raises_while_rendering_is_a_clear_error(tmp_path, expression):
    with pytest.raises(OmniExportError) as info:
        load_settings(tmp_path, cli_vars={"dbt_omni": {"connection": expression}})
    assert info.value.problems[0].key == "vars.dbt_omni.connection" and "cannot render" in str(info.value)


def test_project_vars_that_are_no_mapping_are_an_error_naming_the_file(tmp_path):
    (tmp_path / "dbt_project.yml").write_text("name: shop\nvars: [1, 2]\n")
    with pytest.raises(OmniExportError) as info:
        load_settings(tmp_path)
    problem = info.value.problems[0]
    assert problem.file.endswith("dbt_project.yml") and problem.key == "vars" and problem.message == "must be a mapping, not a list"


def test_the_default_target_of_a_profile_written_as_text_is_unknown_not_a_crash(tmp_path):
    (tmp_path / "dbt_project.yml").write_text("name: shop\nprofile: shop\n")
    (tmp_path / "profiles.yml").write_text("shop: just text\n")
    assert profile_targets(tmp_path, tmp_path) is None
    (tmp_path / "profiles.yml").write_text("shop: {target: dev, outputs: {}}\n")
    assert profile_targets(tmp_path, tmp_path).default == "dev"


@pytest.mark.parametrize("value, expected", [
    ("orders", ("orders",)),
    ("orders customers", ("orders", "customers")),  # dbt's --select "a b": a union
    (["orders tag:x", "customers"], ("orders", "tag:x", "customers")),
])
def test_select_and_exclude_take_a_string_or_a_list_read_as_dbt_reads_select(value, expected):
    settings = settings_from_dict({"select": value, "exclude": value}, source="test")
    assert settings.select == expected and settings.exclude == expected


def test_a_space_separated_select_exports_the_union():
    files = render_files(shop_manifest(), select=["orders customers"])
    assert sorted(p for p in files if p.endswith(".view.yaml")) == ["analytics/customers.view.yaml",
                                                                     "analytics/orders.view.yaml"]


def test_a_dbt_omni_var_that_is_no_mapping_is_an_error(tmp_path):
    with pytest.raises(OmniExportError) as info:
        load_settings(tmp_path, cli_vars={"dbt_omni": [1, 2]})
    # --vars is no file, and a list no Python type name (found by an audit of messages)
    assert str(info.value) == ("dbt-omni: key --vars dbt_omni: must be a mapping, not a list "
                               "(expected {dbt_omni: {select: [...], ...}})")


def test_a_dbt_project_yml_that_is_no_yaml_is_one_line_naming_line_and_column(tmp_path):
    """PyYAML's message spans seven lines, with a quote of the file (found by an audit of messages)."""
    (tmp_path / "dbt_project.yml").write_text("name: shop\nvars:\n  dbt_omni:\n    select: [orders\n")
    with pytest.raises(OmniExportError) as info:
        load_settings(tmp_path)
    problem = one_problem(info.value)
    assert "\n" not in str(info.value) and problem.file.endswith("dbt_project.yml")
    assert problem.message.startswith("cannot read YAML: line 5, column 1: ")
    (tmp_path / "dbt_project.yml").write_text("vars:\n  dbt_omni: [orders]\n")
    with pytest.raises(OmniExportError) as info:
        load_settings(tmp_path)
    assert one_problem(info.value).expected.startswith("settings by name, e.g. {select: [marts]")


def test_model_file_with_both_included_and_ignored_views_is_an_error(tmp_path):
    """Omni's model file takes one of them (../shared/omni-format.md, Model file)."""
    with pytest.raises(OmniExportError) as info:
        load_settings(project(tmp_path, "    model_file: {included_views: [a__b], ignored_views: [a__c]}\n"))
    [problem] = info.value.problems
    assert problem.key == "vars.dbt_omni.model_file" and problem.message == "included_views and ignored_views are both set"
    assert problem.expected == "Omni's model file takes included_views or ignored_views, not both"
    assert load_settings(project(tmp_path, "    model_file: {ignored_views: [a__c]}\n")).model_file == {"ignored_views": ["a__c"]}


def test_dbt_omni_acts_only_in_a_project_that_chose_it(tmp_path):
    """A pip install reaches every project of the environment: the package's macros, or a dbt_omni vars block
    (even empty, in dbt_project.yml or --vars), say a project chose dbt-omni; another vars key does not."""
    from dbt_omni.config import chose_dbt_omni

    (tmp_path / "dbt_project.yml").write_text("name: shop\nvars: {other: 1}\n")
    assert not chose_dbt_omni({"macro.shop.x": None}, tmp_path, {"other": 2})
    assert chose_dbt_omni({"macro.dbt_omni.omni_export": None}, tmp_path)
    assert chose_dbt_omni(None, tmp_path, {"dbt_omni": {}})
    (tmp_path / "dbt_project.yml").write_text("name: shop\nvars: {dbt_omni: {}}\n")
    assert chose_dbt_omni(None, tmp_path)


PACKAGE_MACROS = {"macro.dbt_omni.omni_export": None}


@pytest.mark.parametrize("packages, chose", [
    ("packages:\n  - local: acme\n", False),  # dbt_omni came only as what acme needs
    ("packages:\n  - local: acme\n  - local: omni\n", True),
    ("packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.3.0\n  - local: acme\n", False),
    ("packages:\n  - package: acme-data/dbt-omni\n    version: 0.1.0\n", True),
    ("packages:\n  - tarball: https://example.com/acme.tgz\n    name: acme\n", False),
    ("packages:\n  - git: https://example.com/anything.git\n  - local: acme\n", True),  # may be it
    ("packages:\n  - local: \"{{ env_var('PKG') }}\"\n", True),
    ("packages:\n  - local: gone\n", True),  # cannot tell: dbt deps will say
    (None, True),  # no packages file: installed some other way
])
def test_dbt_omni_installed_only_for_another_package_is_no_choice(tmp_path, packages, chose):
    """A package of the project that needs dbt_omni's metric macros brought it: the plugin wrote target/omni
    in a project that never chose Omni, and its checks could stop every dbt command there."""
    from dbt_omni.config import chose_dbt_omni

    (tmp_path / "dbt_project.yml").write_text("name: shop\n")
    for folder, name in (("acme", "acme"), ("omni", "dbt_omni")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "dbt_project.yml").write_text(f"name: {name}\n")
    if packages is not None:
        (tmp_path / "packages.yml").write_text(packages)
    assert chose_dbt_omni(PACKAGE_MACROS, tmp_path) is chose
    assert not chose_dbt_omni({}, tmp_path)  # the package not installed at all
    (tmp_path / "dbt_project.yml").write_text("name: shop\non-run-end: [\"{{ dbt_omni.omni_on_run_end() }}\"]\n")
    assert chose_dbt_omni(PACKAGE_MACROS, tmp_path)  # the hook, or a vars block, is a choice anyway
    assert chose_dbt_omni(PACKAGE_MACROS, tmp_path.parent / "elsewhere", {"dbt_omni": {}})


def test_dependencies_yml_counts_as_packages_yml(tmp_path):
    from dbt_omni.config import chose_dbt_omni

    (tmp_path / "dbt_project.yml").write_text("name: shop\n")
    (tmp_path / "omni").mkdir()
    (tmp_path / "omni" / "dbt_project.yml").write_text("name: dbt_omni\n")
    (tmp_path / "dependencies.yml").write_text("packages:\n  - local: omni\nprojects:\n  - name: core\n")
    assert chose_dbt_omni(PACKAGE_MACROS, tmp_path)
    (tmp_path / "dependencies.yml").write_text("packages:\n  - package: dbt-labs/dbt_utils\n")
    assert not chose_dbt_omni(PACKAGE_MACROS, tmp_path)


def test_dbts_type_filters_make_env_var_text_a_boolean_or_a_number(tmp_path, monkeypatch):
    """env_var() gives text: `write_on_parse: "{{ env_var('X') }}"` could never be false (dbt's as_bool)."""
    monkeypatch.setenv("OMNI_PLUGIN", "false")
    settings = load_settings(project(tmp_path, "    write_on_parse: \"{{ env_var('OMNI_PLUGIN') | as_bool }}\"\n"
                                               "    model_file: {fiscal_month_offset: \"{{ env_var('FMO', '3') | as_number }}\"}\n"
                                               "    connection: \"{{ env_var('FMO', '3') }}\"\n"))
    assert (settings.write_on_parse, settings.model_file, settings.connection) == (False, {"fiscal_month_offset": 3}, "3")
    with pytest.raises(OmniExportError) as info:
        load_settings(project(tmp_path, "    write_on_parse: \"{{ env_var('OMNI_PLUGIN') }}\"\n"))
    [problem] = info.value.problems
    assert problem.key == "vars.dbt_omni.write_on_parse" and problem.message == '"false" has the wrong type'
    assert problem.expected.endswith("{{ env_var('NAME') | as_bool }}")
    monkeypatch.setenv("OMNI_PLUGIN", "maybe")
    with pytest.raises(OmniExportError) as info:
        load_settings(project(tmp_path, "    write_on_parse: \"{{ env_var('OMNI_PLUGIN') | as_bool }}\"\n"))
    assert info.value.problems[0].message == "'maybe' is not true or false"


def test_a_key_left_empty_is_unset_and_a_model_file_of_another_type_is_one_error(tmp_path):
    """`model_file:` with its entries commented out stopped every dbt command; a list got a second,
    false error (included_views and ignored_views are both set)."""
    settings = load_settings(project(tmp_path, "    model_file:\n    select:\n    connection: prod\n"))
    assert (settings.model_file, settings.select, settings.connection) == ({}, (), "prod")
    settings = load_settings(project(tmp_path, "    model_file:\n      access_grants:\n      ai_context:\n"
                                               "      week_start_day: Monday\n"))  # a level down too
    assert settings.model_file == {"week_start_day": "Monday"}
    with pytest.raises(OmniExportError) as info:
        load_settings(project(tmp_path, "    model_file: [a]\n"))
    [problem] = info.value.problems
    assert (problem.key, problem.message) == ("vars.dbt_omni.model_file", '["a"] has the wrong type')


def test_the_model_file_values_we_read_are_checked(tmp_path):
    with pytest.raises(OmniExportError) as info:
        load_settings(project(tmp_path, "    model_file: {custom_formats: [money], access_grants: [finance], "
                                        "default_timeframes: [dayz], fiscal_month_offset: x}\n"))
    assert [(p.key, p.message) for p in info.value.problems] == [
        ("vars.dbt_omni.model_file.access_grants", '["finance"] has the wrong type'),
        ("vars.dbt_omni.model_file.custom_formats", '["money"] has the wrong type'),
        ("vars.dbt_omni.model_file.default_timeframes[0]", "'dayz' is not allowed"),
        ("vars.dbt_omni.model_file.fiscal_month_offset", '"x" has the wrong type')]


@pytest.mark.parametrize("block, key, expected", [
    ("model_file: {included_schemas: [a]}", "vars.dbt_omni.model_file.included_schemas",
     "vars.dbt_omni.included_schemas, beside model_file"),  # was: did you mean included_views?
    ("model_file: {topics: []}", "vars.dbt_omni.model_file.topics",
     "a topic from meta.omni.topic or vars.dbt_omni.topics_from_paths (Omni's model file no longer takes topics: it fails)"),
    ("from_warehouse: true", "vars.dbt_omni.from_warehouse", "it as an argument of one export, not a setting: dbt "
     "run-operation omni_export --args '{from_warehouse: true}', or on-run-end: dbt_omni.omni_on_run_end(from_warehouse=true)"),
])
def test_a_key_in_the_wrong_place_says_where_it_goes_not_the_closest_spelling(tmp_path, block, key, expected):
    with pytest.raises(OmniExportError) as info:
        load_settings(project(tmp_path, f"    {block}\n"))
    [problem] = info.value.problems
    assert (problem.key, problem.expected, problem.suggestion) == (key, expected, None)
