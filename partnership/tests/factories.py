"""Factories for accounts, and one persona per role (DESIGN: named personas in tests)."""

import io
import zipfile

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from partnership import roles

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create or not extracted:
            self.save()
            return
        roles.ensure_roles(Group)
        self.groups.set(Group.objects.filter(name__in=extracted))
        self.save()


def persona(role: str | None, username: str | None = None, **extra):
    """A user holding one role (or none, for an outsider)."""
    name = username or (role or "outsider").lower().replace(" ", "_")
    return UserFactory(username=name, roles=[role] if role else [], **extra)


# The part each Office format's zip must hold (a minimal but well-formed package).
_OFFICE_PARTS = {
    "docx": {"word/document.xml": "<w:document/>"},
    "xlsx": {"xl/workbook.xml": "<workbook/>"},
    "pptx": {"ppt/presentation.xml": "<p:presentation/>"},
}
_OPENDOCUMENT = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def office_document(extension: str) -> bytes:
    """The bytes of a small Office document of the given type (docx, xlsx, pptx, odt, ods)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        if extension in _OPENDOCUMENT:
            package.writestr("mimetype", _OPENDOCUMENT[extension], zipfile.ZIP_STORED)
            package.writestr("content.xml", "<office:document-content/>")
        else:
            package.writestr("[Content_Types].xml", "<Types/>")
            for name, text in _OFFICE_PARTS[extension].items():
                package.writestr(name, text)
    return buffer.getvalue()
