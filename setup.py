"""pip install . -> the `dbt_omni` package (found by dbt-core's plugin manager) and `dbt-omni`."""
from setuptools import find_packages, setup

setup(
    name="dbt-omni",
    version="0.1.0",
    description="Export a dbt project to an Omni semantic model; share metric definitions between dbt and Omni.",
    long_description=open("README.md", encoding="utf-8").read() if __import__("os").path.exists("README.md") else "",
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.11",
    package_dir={"": "python"},
    packages=find_packages("python"),
    package_data={"dbt_omni": ["schema/*.json", "macros.sha256"]},
    install_requires=[
        "dbt-core>=1.10,<2.0",
        "PyYAML>=6.0",
        "jsonschema>=4.18",
        "jsonschema-rs>=0.20",
    ],
    entry_points={"console_scripts": ["dbt-omni = dbt_omni.cli:main"]},
    classifiers=[
        "Programming Language :: Python :: 3",
        "Topic :: Database",
    ],
)
