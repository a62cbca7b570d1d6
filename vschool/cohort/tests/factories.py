"""factory_boy factories for cohort records."""

from dataclasses import dataclass
from datetime import date

import factory

from vschool.cohort.models import CareEpisode, Child, School, SchoolPlacement


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    urn = factory.Sequence(lambda n: f"{100000 + n}")
    name = factory.Sequence(lambda n: f"School {n} Primary")
    la_code = "999"
    phase_code = "2"
    type_code = "01"
    status_code = "1"


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    la_child_id = factory.Sequence(lambda n: f"C{n:06d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = date(2015, 3, 14)
    sex = "F"
    responsible_la = "999"


class CareEpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareEpisode

    child = factory.SubFactory(ChildFactory)
    decom = date(2024, 1, 10)
    rne = "S"
    ls = "C2"
    cin = "N1"
    place = "U1"
    placement_la = "999"


class SchoolPlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolPlacement

    child = factory.SubFactory(ChildFactory)
    school = factory.SubFactory(SchoolFactory)
    start = date(2024, 9, 4)


@dataclass
class Ep:
    """An episode for the pure rules in cohort.rules, without the database."""

    decom: date
    dec: date | None = None
    rne: str = "S"
    rec: str = ""
    ls: str = "C2"
