"""The views check (scripts/check_views_use_selectors.py) finds direct model queries."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check_views_use_selectors.py"
_spec = importlib.util.spec_from_file_location("check_views_use_selectors", SCRIPT)
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)


def test_it_reports_each_model_manager_in_a_view():
    source = (
        "def page(request, pk):\n"
        "    child = Child.objects.get(pk=pk)\n"
        "    rows = list(models.Pep.objects.filter(child=child))\n"
        "    return type(child)._default_manager.count()\n"
    )
    found = [expression for _line, _col, expression in check.direct_queries(source)]
    assert found == ["Child.objects", "models.Pep.objects", "type(child)._default_manager"]


def test_it_leaves_selectors_and_services_alone():
    source = "def page(request):\n    return selectors.roll_for(children, {}, 'name', today)\n"
    assert check.direct_queries(source) == []


def test_views_modules_are_views_py_views_packages_and_suffixed_modules():
    assert check.is_views_module(Path("vschool/cohort/views.py"))
    assert check.is_views_module(Path("vschool/pages/views/home.py"))
    assert check.is_views_module(Path("vschool/peps/moderation_views.py"))
    assert not check.is_views_module(Path("vschool/peps/selectors.py"))
    assert not check.is_views_module(Path("vschool/peps/tests/test_views.py"))


def test_no_view_in_the_project_queries_a_model(capsys):
    assert check.main([]) == 0, capsys.readouterr().out
