"""People of tips and sampling, added to the named world.

Hana and Hugo work at county K's tip desk (the agricultural authority); Otto at
the tip desk of another county, L, which must see nothing of K. Rita is the
market regulator of county K; Rolf regulates county L.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from PIL import Image

from xiangli.areas.models import Area, AreaKind
from xiangli.people.models import User
from xiangli.sampling.models import Regulator
from xiangli.tips.models import TipDesk

from ..conftest import World, area, resident


@dataclass
class Desks:
    county_l: Area
    township_l: Area
    village_l: Area
    hana: User
    hugo: User
    otto: User
    rita: User
    rolf: User
    lena: User  # a resident of county L


def member(phone: str, name: str) -> User:
    return User.objects.create_user(phone, "pass-word-123", name=name)


@pytest.fixture
def desks(world: World) -> Desks:
    county_l = area("410381", "Yanshi", AreaKind.COUNTY, world.city)
    township_l = area("410381101", "Township L", AreaKind.TOWNSHIP, county_l)
    village_l = area("410381101201", "Village L", AreaKind.VILLAGE, township_l)
    hana, hugo, otto = member("13700000001", "Hana"), member("13700000002", "Hugo"), member("13700000003", "Otto")
    TipDesk.objects.create(user=hana, area=world.county)
    TipDesk.objects.create(user=hugo, area=world.county)
    TipDesk.objects.create(user=otto, area=county_l)
    rita, rolf = member("13700000004", "Rita"), member("13700000005", "Rolf")
    Regulator.objects.create(user=rita, area=world.county)
    Regulator.objects.create(user=rolf, area=county_l)
    lena_resident = resident("刘丽娜", village_l, None, 9)
    lena = User.objects.create_user("13700000006", "pass-word-123", name="刘丽娜", resident=lena_resident)
    return Desks(county_l=county_l, township_l=township_l, village_l=village_l,
                 hana=hana, hugo=hugo, otto=otto, rita=rita, rolf=rolf, lena=lena)


def gps_jpeg(name: str = "receipt.jpg") -> SimpleUploadedFile:
    """A phone photo whose EXIF says where it was taken."""
    img = Image.new("RGB", (16, 16), "green")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (34.0, 37.0, 12.5), 3: "E", 4: (112.0, 27.0, 3.0)}
    exif[0x8825] = gps  # GPSInfo
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def script_as_jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"#!/bin/sh\nrm -rf / --no-preserve-root\n", content_type="image/jpeg")


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """Messages are asserted in English, the msgids; Chinese is the site's default."""
    with translation.override("en"):
        yield


def Browser(**headers: str) -> Client:  # noqa: N802 -- stands in for Django's Client
    """A test client whose visitor reads English."""
    return Client(HTTP_ACCEPT_LANGUAGE="en", **headers)
