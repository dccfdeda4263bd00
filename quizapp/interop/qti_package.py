"""IMS content packages: the zip with ``imsmanifest.xml`` that QTI travels in.

Writing builds the zip in memory; reading goes through ``common.read_zip`` (zip bombs, path
traversal and oversized members refused) and returns the XML files the manifest names.
"""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree as ET

from quizapp.interop.common import ConversionError, Element, descendants, parse_xml, read_zip
from quizapp.translatable import Msg

CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
MD_NS = "http://www.imsglobal.org/xsd/imsmd_v1p2"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

ET.register_namespace("", CP_NS)
ET.register_namespace("imsmd", MD_NS)
ET.register_namespace("xsi", XSI_NS)


def xml_bytes(root: Element) -> bytes:
    ET.indent(root, "  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def lom(parent: Element, title: str = "", keywords: list[str] | None = None) -> Element:
    """An IMS LOM block: a title and keywords (our tags and metadata tags)."""
    metadata = ET.SubElement(parent, f"{{{CP_NS}}}metadata")
    record = ET.SubElement(metadata, f"{{{MD_NS}}}lom")
    general = ET.SubElement(record, f"{{{MD_NS}}}general")
    if title:
        holder = ET.SubElement(general, f"{{{MD_NS}}}title")
        ET.SubElement(holder, f"{{{MD_NS}}}langstring").text = title
    for keyword in keywords or []:
        holder = ET.SubElement(general, f"{{{MD_NS}}}keyword")
        ET.SubElement(holder, f"{{{MD_NS}}}langstring").text = keyword
    return metadata


def lom_values(element: Element | None, name: str) -> list[str]:
    """The langstrings under every LOM element of this name (title, keyword)."""
    values = []
    for node in descendants(element, name):
        for string in descendants(node, "langstring") + descendants(node, "string"):
            if string.text and string.text.strip():
                values.append(string.text.strip())
    return values


def manifest(identifier: str, title: str) -> Element:
    root = ET.Element(f"{{{CP_NS}}}manifest", {"identifier": identifier})
    root.set(
        f"{{{XSI_NS}}}schemaLocation",
        f"{CP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd "
        f"{MD_NS} http://www.imsglobal.org/xsd/imsmd_v1p2p2.xsd",
    )
    lom(root, title)
    ET.SubElement(root, f"{{{CP_NS}}}organizations")
    ET.SubElement(root, f"{{{CP_NS}}}resources")
    return root


def add_resource(
    root: Element, identifier: str, kind: str, href: str, keywords: list[str] | None = None
) -> Element:
    resources = root.find(f"{{{CP_NS}}}resources")
    assert resources is not None
    resource = ET.SubElement(
        resources, f"{{{CP_NS}}}resource", {"identifier": identifier, "type": kind, "href": href}
    )
    if keywords:
        lom(resource, keywords=keywords)
    ET.SubElement(resource, f"{{{CP_NS}}}file", {"href": href})
    return resource


def write_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def read_package(data: bytes, filename: str, max_bytes: int):
    """(manifest root, {member name: parsed XML root}) of a package; the members are every XML
    file of the zip except the manifest, in the manifest's order when it names them."""
    members = read_zip(data, filename, max_bytes)
    if "imsmanifest.xml" not in members:
        raise ConversionError(
            Msg(
                "%(file)s: no imsmanifest.xml at the top of the zip; is this a QTI package?",
                file=filename,
            )
        )
    root = parse_xml(members["imsmanifest.xml"], f"{filename}:imsmanifest.xml", max_bytes)
    order = [node.get("href", "") for node in descendants(root, "file")]
    names = [name for name in order if name in members and name.endswith(".xml")]
    names += sorted(
        name
        for name in members
        if name.endswith(".xml") and name != "imsmanifest.xml" and name not in names
    )
    parsed = {name: parse_xml(members[name], f"{filename}:{name}", max_bytes) for name in names}
    return root, parsed
