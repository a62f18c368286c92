"""Dependencies run one way: guides -> clinics -> directory.

Read from each module's syntax tree (migrations included), so an import inside a function counts
as much as one at the top, and a word in a string or a comment does not.
"""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# The one place allowed to break the rule: the root URLconf, where the project wires the apps'
# URLs and sitemaps together.
ALLOWED = {Path("directory/urls.py"): "the root URLconf"}


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def _importers(app: str, of: set[str], root: Path = ROOT) -> list[str]:
    """Every module of `app` (below `root`) that imports one of the packages `of`, outside ALLOWED."""
    return [
        f"{path.relative_to(root)} imports {module}"
        for path in sorted((root / app).rglob("*.py"))
        if path.relative_to(root) not in ALLOWED
        for module in sorted(_imported_modules(path))
        if module.split(".")[0] in of
    ]


def test_no_module_of_the_clinics_app_imports_guides():
    assert _importers("clinics", of={"guides"}) == []


def test_no_module_of_the_project_package_imports_either_app():
    assert _importers("directory", of={"clinics", "guides"}) == []


def test_the_guides_app_uses_clinic_models_but_never_clinic_views():
    offenders = [
        path.relative_to(ROOT)
        for path in sorted((ROOT / "guides").rglob("*.py"))
        if any(module.startswith("clinics.views") for module in _imported_modules(path))
    ]

    assert offenders == []


def test_it_finds_an_import_inside_a_function_of_a_migration(tmp_path):
    migrations = tmp_path / "directory" / "migrations"
    migrations.mkdir(parents=True)
    (migrations / "0002_example.py").write_text(
        '"""Mentions guides.models in a docstring, which is no import."""\n\n'
        "def forwards(apps, schema_editor):\n"
        "    from clinics.models import Clinic\n"
        "    import guides\n"
    )

    assert _importers("directory", of={"clinics", "guides"}, root=tmp_path) == [
        "directory/migrations/0002_example.py imports clinics.models",
        "directory/migrations/0002_example.py imports guides",
    ]
