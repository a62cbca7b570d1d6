"""Every importer by the kind of feed it reads: the command, the page and the worker use it."""

from vschool.exchange.gias import gias_import
from vschool.exchange.models import ImportRun
from vschool.exchange.peps_import import peps_import
from vschool.exchange.services import ssda903_import

# Keyed by the plain value: a TextChoices member does not hash like its string.
IMPORTERS = {
    ImportRun.Kind.SSDA903.value: ssda903_import,
    ImportRun.Kind.GIAS.value: gias_import,
    ImportRun.Kind.PEPS.value: peps_import,
}
