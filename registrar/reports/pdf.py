"""The PDF writer of the exporter (`registrar.reports.export`): a ReportDocument to PDF with fpdf2.

A4 (landscape for wide tables), the university's name (dbt vars
university_name_kk/ru/en) and the page "X of Y" on every page, tables that break across
pages between rows, repeating their header, in the DejaVu Sans font shipped in registrar/reports/fonts
(every Kazakh letter; no system font is used). A header wraps between words only: a table too wide
for its headers' longest words is set in a smaller type rather than breaking a word. A table's text is
written as fpdf2's cell() writes it, measured and encoded once per distinct text (`_Type`); a row is
the join of its cells' operators, made once per distinct text and column with the row's place filled
in; the page's head and foot are written the same way, the foot once the page count is known (placed
with room for a five-digit count, as fpdf2 places its alias). A column's distinct texts are measured
together and their glyphs encoded in one str.translate. fpdf2 writes the file (`_QuickDeflate`), its
pages, content streams and resources without its generic object serialisation, the pages' contents
deflated at PAGE_DEFLATE_LEVEL on DEFLATE_THREADS cores.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import re
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from fpdf import FPDF
from fpdf.enums import PageOrientation, PDFResourceType, TextEmphasis, TextMode
from fpdf.fonts import TTFFont
from fpdf.graphics_state import GraphicsState
from fpdf.output import OutputProducer, PDFPage, PDFResources, _dimensions_to_mediabox
from fpdf.syntax import Name, PDFContentStream, PDFObject
from fpdf.util import FloatTolerance

from registrar.common.i18n import t
from registrar.reports._cells import AS_IS, column_values, heading_pairs, printed, university_name
from registrar.reports.base import Chart, ReportDocument, ReportParams

FONTS_DIR = Path(__file__).with_name("fonts")
FONT_REGULAR = FONTS_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONTS_DIR / "DejaVuSans-Bold.ttf"


PAGE_COUNT = "{nbp}"  # the page-count alias: fpdf2 reserves one digit's width per character, so five digits


_NO_DASHES = {"dash": 0, "gap": 0, "phase": 0}  # fpdf2's dash pattern of a solid line
_PAGE_STATE = frozenset({  # what starting a page and drawing a table's header may change besides the page number
    "x", "y", "in_footer", "_margin_type"})  # and the graphics state (fonts, colours, line)
_EMPHASES: dict[tuple[str, bool, bool], TextEmphasis] = {}  # fpdf2's emphasis of a font style, underline, strike
_EMPHASIS_LETTERS: dict[TextEmphasis, str] = {}  # an emphasis's style letters


class _Pdf(FPDF):
    """A4 with the university's name at the top of every page and "page N of M" at its foot. Both are
    written as cell() writes them (`_Type`), measured once: a whole-university list is thousands of
    pages. The foot of a page is written once the page count is known (`output`), so it needs no alias;
    a page whose state is not plain text gets fpdf2's own cell() and alias."""

    def __init__(self, lang: str, university: str, orientation: str) -> None:
        super().__init__(orientation=orientation, format="A4")
        self.lang, self.university = lang, university
        self.add_font("DejaVu", "", str(FONT_REGULAR))
        self.add_font("DejaVu", "B", str(FONT_BOLD))
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(True, margin=15)
        line = t("report_page_of", lang, page=1, total=PAGE_COUNT)  # the count's room on the side away from the words
        self.alias_nb_pages(PAGE_COUNT, align="L" if line.endswith(PAGE_COUNT) else
                            "R" if line.startswith(PAGE_COUNT) else "C")
        self._margin_type: _Type | None = None
        self._footed: set[int] = set()  # pages whose foot is written or waits for the page count
        self._feet: list[tuple[int, bool]] = []  # pages whose foot waits for the page count, and whether
        # the 8-point type is still to be set on it

    @property
    def emphasis(self) -> TextEmphasis:
        """As fpdf2's, made once per style: add_page() asks for it twice a page."""
        key = (self.font_style, self.strikethrough, self.underline)
        emphasis = _EMPHASES.get(key)
        if emphasis is None:
            emphasis = _EMPHASES[key] = FPDF.emphasis.fget(self)  # type: ignore[attr-defined]
        return emphasis

    def set_font(self, family: str | None = None, style: str | TextEmphasis = "", size: float = 0) -> None:
        """As fpdf2's (pinned), with its checks skipped for a font added here in a plain or bold style, the one
        a table, a page's head and add_page() set four times a page; an emphasis's letters found once."""
        if isinstance(style, TextEmphasis):
            letters = _EMPHASIS_LETTERS.get(style)
            if letters is None:
                letters = _EMPHASIS_LETTERS[style] = style.style
            style = letters
        key = (family or self.font_family).lower() + style
        font = self.fonts.get(key) if style in ("", "B") else None
        if font is None or not isinstance(font, TTFFont):
            super().set_font(family, style, size)
            return
        self.underline = self.strikethrough = False
        size, family = size or self.font_size_pt, key[:len(key) - len(style)]
        if (self.font_family == family and self.font_style == style and FloatTolerance.equal(self.font_size_pt, size)
                and (self.current_font is None or self.current_font is font)):
            return
        self.font_family, self.font_style, self.font_size_pt = family, style, size
        self.current_font, self.current_font_is_set_on_page = font, False

    def add_page(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        """As fpdf2's (pinned); a page after the first, added with no arguments to a document in one format
        with the default colours, spacing and dashes and no labels, background, timing or table of contents
        (every page of a list), is started without fpdf2's generic checks: the same operators and state."""
        if args or kwargs or not self._plain_next_page():
            super().add_page(*args, **kwargs)
            return
        self.current_font_is_set_on_page = False
        family, emphasis, size, lw = self.font_family, self.emphasis, self.font_size_pt, self.line_width
        dc, fc, tc = self.draw_color, self.fill_color, self.text_color
        self._render_footer()
        self.page += 1
        page = self.pages[self.page] = PDFPage(contents=bytearray(), duration=None, transition=None, index=self.page)
        self.x, self.y = self.l_margin, self.t_margin
        self.font_family, self.font_stretching, self.char_spacing = "", 100, 0
        page.set_dimensions(self.w_pt, self.h_pt)
        page.set_page_label(None, None)
        self.line_width = lw
        self._out(f"2 J\n{lw * self.k:.2f} w")
        if family:
            self.set_font(family, emphasis, size)
        self.text_color = tc
        self.header()
        if self.line_width != lw:
            self.line_width = lw
            self._out(f"{lw * self.k:.2f} w")
        if family:
            self.set_font(family, emphasis, size)
        if self.draw_color != dc and dc is not None:
            self.draw_color = dc
            self._out(dc.serialize().upper())
        if self.fill_color != fc and fc is not None:
            self.fill_color = fc
            self._out(fc.serialize().lower())
        self.text_color = tc  # stretching, spacing, dashes: fpdf2 leaves them as the head left them

    def _plain_next_page(self) -> bool:
        """Whether the next page is one add_page() may start without fpdf2's generic steps: a page after the
        first, in the document's one format, with the default colours, spacing and dashes and no labels,
        background, timing or table of contents."""
        portrait = self.def_orientation is PageOrientation.PORTRAIT
        return not (not self.page or self.buffer or self.in_toc_rendering or self.toc_placeholder
                    or self.page_background or self.page_duration or self.page_transition or self._has_next_page()
                    or self.pages[self.page].get_page_label() is not None
                    or self.draw_color != self.DEFAULT_DRAW_COLOR or self.fill_color != self.DEFAULT_FILL_COLOR
                    or self.font_stretching != 100 or self.char_spacing or self.dash_pattern != _NO_DASHES
                    or self.cur_orientation is not self.def_orientation
                    or (self.w_pt, self.h_pt) != ((self.dw_pt, self.dh_pt) if portrait else (self.dh_pt, self.dw_pt)))

    def _state(self) -> tuple[object, ...]:
        """What starting a page and drawing a table's header on it depends on besides the page number and
        the graphics state."""
        return (self._plain_next_page() and not self._is_current_graphics_state_nested(),
                self.l_margin, self.t_margin, self.r_margin, self.c_margin, self.page_break_trigger, self.k)

    def _graphics(self) -> GraphicsState:
        """The graphics state in force itself (fpdf2's _get_current_graphics_state() makes a copy)."""
        graphics = self._pop_local_stack()
        self._push_local_stack(graphics)
        return graphics

    def add_page_with(self, heads: Callable[[], None], made: dict[str, object]) -> None:
        """add_page(), then heads() (a table's header rows). The first time, the page's operators, the fonts
        it registers and the state it leaves are kept in `made`; a later page started from the same state
        gets them copied, and its graphics state (fonts, colours) set as the first one left it (the page's
        head and the table's header are the same on every page; its foot, which holds the page number, is
        written as add_page() writes it)."""
        state, graphics = self._state(), self._graphics()
        if made.get("state") != state or made.get("graphics") != graphics or not state[0]:
            before, first, drawn = dict(vars(self)), self.page + 1, graphics.copy()
            self.add_page()
            heads()
            left = {name: value for name, value in vars(self).items()
                    if name not in before or before[name] is not value}
            after = self._graphics()
            changes = {field.name: getattr(after, field.name) for field in dataclasses.fields(after)}  # as left
            shared = {name for name in ("dash_pattern", "text_shaping") if changes.pop(name) != getattr(drawn, name)}
            page = self.page
            if (state[0] and page == first and left.keys() - {"page"} <= _PAGE_STATE
                    and not self._is_current_graphics_state_nested()
                    and not shared):  # (mutable: not to be shared between pages)
                fonts = self._resource_catalog.resources_per_page
                made.update(state=state, graphics=drawn, changes=changes, contents=bytes(self.pages[page].contents),
                            resources=[(kind, res) for kind in PDFResourceType for res in fonts.get((page, kind), ())],
                            left={name: value for name, value in left.items() if name != "page"})
            return
        self.current_font_is_set_on_page = False  # as add_page() has it for the last page's foot
        self._render_footer()
        self.page += 1
        page = self.pages[self.page] = PDFPage(contents=bytearray(made["contents"]), duration=None, transition=None,  # type: ignore[arg-type]
                                               index=self.page)
        page.set_dimensions(self.w_pt, self.h_pt)
        page.set_page_label(None, None)
        for kind, res in made["resources"]:  # type: ignore[attr-defined]
            self._resource_catalog.add(kind, res, self.page)
        vars(self).update(made["left"])  # type: ignore[arg-type]
        graphics = self._graphics()  # (the foot may have changed it, as it does on the first page)
        for name, value in made["changes"].items():  # type: ignore[attr-defined]
            setattr(graphics, name, value)

    def margin_type(self) -> _Type:
        """The 8-point type of the page's head and foot."""
        if self._margin_type is None:
            self._margin_type = _Type(self, "", 8)
        return self._margin_type

    def header(self) -> None:
        kind = self.margin_type()
        op = kind.centred(self.x, self.y, self.w - self.r_margin - self.x, 5, self.university) if kind.plain() else None
        if op is None:
            self.set_font("DejaVu", "", 8)
            self.cell(0, 5, self.university, align="C", new_x="LMARGIN", new_y="NEXT")
            self.ln(2)
            return
        self._out(f"{self._set_font_for_page(kind.font, kind.size)}\n{op}")  # not made the current font: the
        self.current_font_is_set_on_page = False  # page's own type is set again before its first text
        self.set_xy(self.l_margin, self.y + 5 + 2)

    def footer(self) -> None:
        if self.page in self._footed:
            return
        self._footed.add(self.page)
        line = t("report_page_of", self.lang, page=self.page_no(), total=PAGE_COUNT)
        words = line.replace(PAGE_COUNT, "")
        kind = self.margin_type()
        if (kind.plain() and line.count(PAGE_COUNT) == 1 and (line.startswith(PAGE_COUNT) or line.endswith(PAGE_COUNT))
                and kind.tail(words) is not None):
            self._feet.append((self.page, not kind.is_set()))
            return
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.cell(0, 5, line, align="C")

    def _write_feet(self) -> None:
        """The feet `footer` left for the page count: "page N of M" where fpdf2's cell() would put it with
        the count's room reserved (the words stay where they are, the count beside them)."""
        kind, total, last = self.margin_type(), str(self.pages_count), self.page
        x, y = self.l_margin, self.h - 12
        w, k = self.w - self.r_margin - x, self.k
        room = kind.width("0" * len(PAGE_COUNT))
        for page, unset in self._feet:
            self.page = page  # fpdf2 writes on the page it is told
            line = t("report_page_of", self.lang, page=page, total=PAGE_COUNT)
            shown = line.replace(PAGE_COUNT, total)
            start = x + (w - kind.width(line.replace(PAGE_COUNT, "0" * len(PAGE_COUNT)))) / 2
            if line.startswith(PAGE_COUNT):
                start += room - kind.width(total)
            if unset:
                self._out(self._set_font_for_page(kind.font, kind.size))
            self._out(f"BT {start * k:.2f} {kind.baseline(y, 5)}{kind.tail(shown)}")
        self.page = last
        self._feet = []

    def output(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self.buffer:
            if self.page == 0:
                self.add_page()
            self._render_footer()  # the last page's foot, before the page count goes into every foot
            self._write_feet()
        kwargs.setdefault("output_producer_class", _QuickDeflate)
        return super().output(*args, **kwargs)


PAGE_DEFLATE_LEVEL = 1  # zlib level of the pages' contents: progression's 90 MB take 0.63 of level 3's time for
# 3.5 % more bytes (fpdf2's default, 6, takes 1.6 times as long as 3 for 6.7 % less)
DEFLATE_THREADS = 2  # zlib releases the GIL: the pages' contents are deflated on this many cores at once


def _deflate_all(contents: list[bytearray]) -> list[bytes]:
    """Each of `contents` deflated at PAGE_DEFLATE_LEVEL, in DEFLATE_THREADS threads of one share each."""
    deflate = functools.partial(zlib.compress, level=PAGE_DEFLATE_LEVEL)
    if len(contents) < 8 or DEFLATE_THREADS < 2:
        return list(map(deflate, contents))
    share = -(-len(contents) // DEFLATE_THREADS)
    with ThreadPoolExecutor(DEFLATE_THREADS) as pool:
        shares = pool.map(lambda part: list(map(deflate, part)),
                          [contents[i:i + share] for i in range(0, len(contents), share)])
        return [packed for part in shares for packed in part]


class _Stream(PDFContentStream):
    """A page's content stream, given deflated or as is, written as fpdf2 writes it without its generic
    object serialisation (a whole-university list has five thousand of them)."""

    def __init__(self, contents: bytes, deflated: bool) -> None:  # noqa: D107
        PDFObject.__init__(self)
        self._contents = contents
        self.filter = Name("FlateDecode") if deflated else None
        self.length = len(contents)

    def serialize(self, obj_dict: dict | None = None, _security_handler: object = None):  # type: ignore[no-untyped-def,override]
        if obj_dict or _security_handler:
            return super().serialize(obj_dict, _security_handler)  # type: ignore[arg-type]
        head = b"/Filter /FlateDecode\n" if self.filter else b""
        return b"%d 0 obj\n<<\n%s/Length %d\n>>\nstream\n%s\nendstream\nendobj" % (
            self.id, head, self.length, self._contents)


class _Page(PDFPage):
    """A page whose object is written as fpdf2 writes a plain page (contents, parent, resources), without
    its generic serialisation; any other page as fpdf2 writes it."""

    __slots__ = ()

    def serialize(self, obj_dict: dict | None = None, _security_handler: object = None) -> str:  # type: ignore[override]
        if (obj_dict or _security_handler or self.annots or self.dur or self.trans or self.group or self.media_box
                or self.struct_parents is not None or not isinstance(self.contents, PDFObject)
                or self.parent is None or self.resources is None):
            return super().serialize(obj_dict, _security_handler)  # type: ignore[arg-type]
        return (f"{self.id} 0 obj\n<<\n/Contents {self.contents.id} 0 R\n/Parent {self.parent.id} 0 R\n"
                f"/Resources {self.resources.id} 0 R\n/Type /Page\n>>\nendobj")


@functools.lru_cache(maxsize=64)
def _resources_body(fields: tuple[str | None, ...]) -> str:
    """A /Resources object as fpdf2 writes it, after its "N 0 obj" line."""
    resources = PDFResources(*fields)
    resources.id = 0
    written = resources.serialize()
    return written[written.index("\n"):]


class _Resources(PDFResources):
    """A page's /Resources, written once per distinct content (every page of a list names the same fonts)."""

    def serialize(self, obj_dict: dict | None = None, _security_handler: object = None) -> str:  # type: ignore[override]
        fields = (self.proc_set, self.font, self.x_object, self.ext_g_state, self.shading, self.pattern,
                  self.properties)
        if (obj_dict or _security_handler or len(vars(self)) != 1 + len(fields)
                or not all(field is None or type(field) is str for field in fields)):
            return super().serialize(obj_dict, _security_handler)  # type: ignore[arg-type]
        return f"{self.id} 0 obj{_resources_body(fields)}"


class _QuickDeflate(OutputProducer):
    """fpdf2's output with the pages' contents deflated at PAGE_DEFLATE_LEVEL on DEFLATE_THREADS cores, and
    the pages, their content streams and resources written without fpdf2's generic object serialisation:
    a whole-university list is 90 MB of page contents in five thousand pages, and deflating and serialising
    them was most of the output's time. The file is byte for byte the one fpdf2 writes."""

    def __init__(self, fpdf: FPDF) -> None:  # noqa: D107
        super().__init__(fpdf)
        self._made_resources: dict[tuple[tuple[int, int], ...], PDFResources] = {}  # per set of fonts

    def _add_pages(self, _slice: slice = slice(0, None)) -> list:  # type: ignore[type-arg]
        fpdf = self.fpdf
        pages = list(self._iter_pages_in_order())[_slice]
        if (fpdf.pdf_version > "1.3" and fpdf.allow_images_transparency) or fpdf._security_handler is not None:  # noqa: SLF001
            compress, fpdf.compress = fpdf.compress, False
            try:
                pages = super()._add_pages(_slice)
            finally:
                fpdf.compress = compress
            if compress:
                for page in pages:
                    stream = page.contents
                    stream._contents = zlib.compress(stream._contents, PAGE_DEFLATE_LEVEL)  # noqa: SLF001
                    stream.filter = Name("FlateDecode")
                    stream.length = len(stream._contents)  # noqa: SLF001
            return pages
        contents = _deflate_all([page.contents for page in pages]) if fpdf.compress else \
            [bytes(page.contents) for page in pages]
        for page, data in zip(pages, contents, strict=True):
            if page.dimensions() != fpdf.default_page_dimensions:
                page.media_box = _dimensions_to_mediabox(page.dimensions())
            self._add_pdf_obj(page, "pages")
            page.__class__ = _Page
            stream = _Stream(data, fpdf.compress)
            self._add_pdf_obj(stream, "pages")
            page.contents = stream
        return pages

    def _insert_resources(self, page_objs: list[PDFPage]) -> None:
        """As fpdf2's (pinned), with each page's resources looked up once rather than per kind (a page of a
        list uses fonts only)."""
        fpdf = self.fpdf
        if fpdf.single_resources_object:
            super()._insert_resources(page_objs)
            return
        images = self._add_images()
        self._register_form_xobject_placeholders(images)
        gfxstates = self._add_gfxstates()
        patterns = self._add_patterns()
        fonts = self._add_fonts(images, gfxstates, patterns)
        shadings = self._add_shadings()
        self._finalize_form_xobjects(images, gfxstates, patterns, shadings, fonts)
        self._add_soft_masks(gfxstates, patterns, images)
        used: dict[int, dict[PDFResourceType, set]] = {}  # type: ignore[type-arg]
        for (page, kind), resources in fpdf._resource_catalog.resources_per_page.items():  # noqa: SLF001
            if resources:
                used.setdefault(page, {})[kind] = resources
        nothing: set = set()  # type: ignore[type-arg]
        for page_number, page_obj in enumerate(page_objs, start=1):
            on_page = used.get(page_number, {})
            page_fonts = {int(i): fonts[int(i)] for i in on_page.get(PDFResourceType.FONT, nothing)}  # type: ignore[arg-type]
            if on_page.keys() <= {PDFResourceType.FONT}:
                page_obj.resources = self._add_resources_dict(page_fonts, {}, {}, {}, {}, {})
                continue
            names = {kind: on_page.get(kind, nothing) for kind in PDFResourceType}
            page_obj.resources = self._add_resources_dict(
                page_fonts,
                {int(i): images[int(i)] for i in names[PDFResourceType.X_OBJECT]},  # type: ignore[arg-type]
                {name: state for name, state in gfxstates.items() if name in names[PDFResourceType.EXT_G_STATE]},
                {str(name): shadings[str(name)] for name in names[PDFResourceType.SHADING]},
                {str(name): patterns[str(name)] for name in names[PDFResourceType.PATTERN]},
                {str(name): self._ocg_objs_per_name[str(name)] for name in names[PDFResourceType.PROPERTIES]},
            )

    def _add_resources_dict(self, fonts: dict, *others: dict | None) -> PDFResources:  # type: ignore[override]
        """As fpdf2's; a page that uses fonts only gets the /Font entry made once per set of fonts."""
        if any(others):
            resources = super()._add_resources_dict(fonts, *others)  # type: ignore[arg-type]
            resources.__class__ = _Resources
            return resources
        key = tuple((index, font.id) for index, font in sorted(fonts.items()))
        made = self._made_resources.get(key)
        if made is None:
            made = self._made_resources[key] = super()._add_resources_dict(fonts, *others)  # type: ignore[arg-type]
            made.__class__ = _Resources
            return made
        resources = _Resources(made.proc_set, made.font, None, None, None, None, None)
        self._add_pdf_obj(resources)
        return resources


def _refreshed(value: dt.datetime | None) -> str:
    return f"{value:%d.%m.%Y %H:%M}" if value else "—"


def to_pdf(doc: ReportDocument, params: ReportParams, refreshed_at: dt.datetime | None) -> bytes:
    widest = max((len(s.frame.columns) for s in doc.sections), default=0)
    pdf = _Pdf(params.lang, university_name(params.lang), "landscape" if widest > 7 else "portrait")
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 7, doc.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 9)
    for label, value in heading_pairs(doc, params, refreshed_at):
        shown = _refreshed(value) if isinstance(value, dt.datetime) or value is None else printed(value)
        pdf.multi_cell(0, 5, f"{label}: {shown}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    for paragraph in doc.paragraphs:
        pdf.ln(3)
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
    for section in doc.sections:
        pdf.ln(4)
        if section.heading:
            pdf.set_font("DejaVu", "B", 11)
            pdf.multi_cell(0, 6, section.heading, new_x="LMARGIN", new_y="NEXT")
        _pdf_table(pdf, section.frame, section.headers, section.column_codes)
        for chart in section.charts:
            _pdf_chart(pdf, chart)
    _pdf_signatures(pdf, doc)
    return bytes(pdf.output())


CHART_SHADES = ((52, 101, 164), (237, 125, 49), (112, 173, 71), (150, 150, 150))  # one fill per series


def _pdf_chart(pdf: _Pdf, chart: Chart) -> None:
    """A horizontal bar chart drawn with the PDF's own lines and fills (no image library): its title, one
    row per category (its label, then one bar per series with its value), a legend of the series. Bars
    are scaled to the largest value; the chart never splits across pages."""
    size, bar, gap = 7.0, 3.2, 1.6
    values = [v for _, vals in chart.series for v in vals if v is not None]
    top = max(values, default=0) or 1
    height = 8 + len(chart.categories) * (bar * len(chart.series) + gap) + 7
    if pdf.get_y() + 4 + height > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 9)
    pdf.multi_cell(0, 5, chart.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", size)
    label_width = min(max((pdf.get_string_width(c) for c in chart.categories), default=0) + 2, pdf.epw * 0.35)
    plot = pdf.epw - label_width - 18
    y = pdf.get_y() + 1
    for i, category in enumerate(chart.categories):
        block = bar * len(chart.series)
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_width, block, _wrap(pdf.get_string_width, category, label_width)[0])
        for k, (_, vals) in enumerate(chart.series):
            value = vals[i] if i < len(vals) and vals[i] is not None else 0
            pdf.set_fill_color(*CHART_SHADES[k % len(CHART_SHADES)])
            width = plot * float(value) / float(top)
            if width > 0:
                pdf.rect(pdf.l_margin + label_width, y + k * bar, width, bar * 0.85, style="F")
            pdf.set_xy(pdf.l_margin + label_width + width + 0.8, y + k * bar)
            pdf.cell(16, bar * 0.85, printed(float(value)))
        y += block + gap
    x = pdf.l_margin + label_width
    for k, (name, _) in enumerate(chart.series):
        pdf.set_fill_color(*CHART_SHADES[k % len(CHART_SHADES)])
        pdf.rect(x, y + 1, 3, 3, style="F")
        pdf.set_xy(x + 4, y + 0.5)
        pdf.cell(pdf.get_string_width(name) + 1, 4, name)
        x += pdf.get_string_width(name) + 9
    pdf.set_fill_color(255, 255, 255)
    pdf.set_xy(pdf.l_margin, y + 6)


def _pdf_signatures(pdf: _Pdf, doc: ReportDocument) -> None:
    """The signatories (position, a line to sign on, name) and the place of the stamp, kept together on
    one page."""
    if not doc.signatories and not doc.stamp_place:
        return
    needed = 12 + 10 * len(doc.signatories) + 8
    if pdf.get_y() + needed > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(10)
    pdf.set_font("DejaVu", "", 11)
    third = pdf.epw / 3
    for position, name in doc.signatories:
        y = pdf.get_y()
        pdf.multi_cell(third + 20, 6, position, new_x="RIGHT", new_y="TOP")
        pdf.set_xy(pdf.l_margin + third + 25, y)
        pdf.cell(third - 30, 6, "_" * 20, new_x="RIGHT")
        pdf.cell(0, 6, name, new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(max(pdf.get_y(), y + 10))
    if doc.stamp_place:
        pdf.ln(2)
        pdf.cell(0, 6, doc.stamp_place, new_x="LMARGIN", new_y="NEXT")


def _column_texts(series: pd.Series) -> list[str]:
    """A column as printed: a float column shows 2 decimals unless all its values are whole. Each distinct
    value is printed once (a whole-university list repeats its courses, results and dates)."""
    dtype = series.dtype
    if pd.api.types.is_object_dtype(dtype):
        values = series.tolist()
        if not set(map(type, values)) <= AS_IS:  # texts, dates and None are as `cell` gives them
            values = column_values(series)
    elif isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "iu":  # nullable integers
        values = series.to_numpy(dtype=object, na_value=None).tolist()
    else:
        values = column_values(series)
    types = set(map(type, values))
    if types == {str}:
        return values
    try:
        distinct = set(values)
    except TypeError:  # an unhashable value (a list): each value alone
        distinct = None
    floats = [v for v in (values if distinct is None else distinct) if isinstance(v, float)]
    show = (lambda v: "" if v is None else f"{v:.2f}" if isinstance(v, float) else printed(v)) \
        if floats and not all(v.is_integer() for v in floats) else printed
    if distinct is not None and len(types - {str, type(None)}) <= 1:  # (1, 1.0 and True would be one key)
        shown = {v: v if type(v) is str else show(v) for v in distinct}
        return list(map(shown.__getitem__, values))
    return [v if type(v) is str else show(v) for v in values]


def _wrap(width_of: Callable[[str], float], text: str, width: float) -> list[str]:
    """`text` broken into lines no wider than `width` as measured by `width_of` (words kept whole unless
    one alone is wider)."""
    if width_of(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if width_of(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while width_of(word) > width and len(word) > 1:  # a word wider than the column
            cut = len(word) - 1
            while cut > 1 and width_of(word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    lines.append(line)
    return lines


_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")  # fpdf2 reorders these: its cell() draws them


class _PerChar(dict):
    """What `make` gives for a character, made once per character."""

    def __init__(self, make: Callable[[str], object]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, char: str) -> object:
        value = self[char] = self._make(char)
        return value


class _Type:
    """The table font in one style and size, and what fpdf2's cell() would compute for a text in it, made
    once per distinct text: its width and the text operator (`BT x y Td (glyphs) Tj ET`, the glyphs picked
    into the font's subset). A whole-university list is a million cells whose names, programmes and
    results repeat; cell() lays every one out from scratch (fragments, graphics-state copies), which was
    nine tenths of a PDF's time. A text fpdf2 treats specially (right to left, the page-count alias) and
    a page whose colours or spacing differ from plain black text go through cell() itself."""

    def __init__(self, pdf: _Pdf, style: str, size: float) -> None:
        pdf.set_font("DejaVu", style, size)
        self.pdf, self.style, self.size = pdf, style, size
        self.font = pdf.current_font
        self._widths: dict[str, float] = {}
        self._glyphs: dict[str, str | None] = {}
        self._heads: dict[tuple[float, float, str] | tuple[float, float], str] = {}
        self._advance = _PerChar(lambda c: self.font.cw[ord(c)])  # a character's width in the font
        self._glyph = _PerChar(lambda c: chr(g) if (g := self.font.subset.pick(ord(c))) else "")  # in the subset
        self._code = _PerChar(lambda c: self.font.escape_text(self._glyph[c]))  # as written: escape_text is per glyph
        self._codes = _PerChar(lambda o: self._code[chr(o)])  # the same per code point, for str.translate
        self._codes[ord(_SEP)] = _SEP
        self._sums: dict[str, int] = {}  # a word's sum of character widths (wrap)
        self._most: dict[float, int] = {}  # the largest sum of character widths that fits a width (wrap)

    def width(self, text: str) -> float:
        """As pdf.get_string_width(text) in this style and size."""
        width = self._widths.get(text)
        if width is None:
            width = self._widths[text] = sum(map(self._advance.__getitem__, text)) * self.size * 0.001 / self.pdf.k
        return width

    def widths(self, texts: list[str]) -> list[float]:
        """width() of each of `texts`, measured together: the same sums of the same character widths."""
        joined = "".join(texts)
        try:
            codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        except UnicodeEncodeError:  # a lone surrogate: one at a time
            return list(map(self.width, texts))
        table = np.bincount(codes).astype(np.int64)
        for code in np.flatnonzero(table).tolist():
            table[code] = self._advance[chr(code)]
        sums = np.concatenate(([0], np.cumsum(table[codes])))
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        ends = np.cumsum(lengths)
        return ((sums[ends] - sums[ends - lengths]) * self.size * 0.001 / self.pdf.k).tolist()

    def wrap(self, text: str, width: float, wider: bool = False) -> list[str]:
        """_wrap(self.width, text, width), a candidate line measured as the sum of its words' sums of
        character widths (each word's made once) against the largest sum that fits `width`: the same
        integer sums and the same comparison, so the same lines. `wider`: `text` is known not to fit."""
        advance, size, k = self._advance, self.size, self.pdf.k
        if not wider and sum(map(advance.__getitem__, text)) * size * 0.001 / k <= width:  # as width() has it
            return [text]
        most = self._most.get(width)
        if most is None:  # the largest sum s with s * size * 0.001 / k <= width (that product grows with s)
            most = max(int(width * k / size / 0.001) + 2, 0)
            while most >= 0 and most * size * 0.001 / k > width:
                most -= 1
            most = self._most[width] = most
        sums, space = self._sums, advance[" "]
        lines: list[str] = []
        line, used = "", 0
        for word in text.split():
            own = sums.get(word)
            if own is None:
                own = sums[word] = sum(map(advance.__getitem__, word))
            if line:
                if used + space + own <= most:
                    line, used = f"{line} {word}", used + space + own
                    continue
                lines.append(line)
            elif own <= most:
                line, used = word, own
                continue
            while own > most and len(word) > 1:  # a word wider than the column
                cut = len(word) - 1
                while cut > 1 and self.width(word[:cut]) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
                own = sum(map(advance.__getitem__, word))
            line, used = word, own
        lines.append(line)
        return lines

    def encode(self, texts: list[str]) -> list[str]:
        """Each of `texts` as written between the parentheses of its operator (tail()'s glyphs, a % doubled
        for a %-template), its characters picked into the subset in the order tail() would pick them. None
        of `texts` holds _SEP. The glyphs are looked up for the whole list at once (`_encode_all`); a list
        with a character the subset lacks, or a glyph outside two bytes, one character at a time."""
        joined = _SEP.join(texts)
        return self._encode_all(texts, joined) or joined.translate(self._codes).replace("%", "%%").split(_SEP)

    def _encode_all(self, texts: list[str], joined: str) -> list[str] | None:
        """encode(texts), each glyph's two bytes found in one array lookup and escaped in one pass, or None
        (nothing picked out of order: the characters are picked in the order of their first use)."""
        if not texts:
            return None
        try:
            codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        except UnicodeEncodeError:  # a lone surrogate
            return None
        sep = ord(_SEP)
        distinct = np.flatnonzero(np.bincount(codes))
        known = self._glyph
        new = [code for code in distinct.tolist() if code != sep and chr(code) not in known]
        for code in sorted(new, key=lambda code: joined.find(chr(code))):  # as str.translate meets them
            known[chr(code)]  # noqa: B018 (picked into the subset)
        glyphs = np.zeros(sep + 1 if len(distinct) == 0 else max(sep, int(distinct[-1])) + 1, dtype=">u2")
        for code in distinct.tolist():  # each character's glyph, by its code point
            if code == sep:
                continue
            glyph = known[chr(code)]
            if len(glyph) != 1 or ord(glyph) >= 0xD800:  # no glyph, or not two bytes in UTF-16
                return None
            glyphs[code] = ord(glyph)
        raw = glyphs[codes[codes != sep]].tobytes()
        octets = np.frombuffer(raw, dtype=np.uint8)
        doubled = np.isin(octets, np.frombuffer(b"\\()\r%", dtype=np.uint8))  # escaped, or % doubled
        ends = np.concatenate(([0], np.cumsum(1 + doubled.astype(np.int64))))  # where each octet's writing ends
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        stops = ends[np.cumsum(lengths) * 2].tolist()
        written = (raw.decode("latin-1").replace("\\", "\\\\").replace(")", "\\)").replace("(", "\\(")
                   .replace("\r", "\\r").replace("%", "%%"))
        return [written[a:b] for a, b in zip([0, *stops[:-1]], stops, strict=True)]

    def select(self) -> str:
        """Make this the PDF's font; the operator that sets it on the current page where cell() would write
        one before its text (else "")."""
        pdf = self.pdf
        if pdf.current_font is not self.font or pdf.font_size_pt != self.size:
            pdf.set_font("DejaVu", self.style, self.size)
        if pdf.current_font_is_set_on_page:
            return ""
        return pdf._set_font_for_page(pdf.current_font, pdf.font_size_pt)  # noqa: SLF001

    def is_set(self) -> bool:
        """Whether this is the PDF's font and set on the page (select() would write nothing)."""
        pdf = self.pdf
        return pdf.current_font is self.font and pdf.font_size_pt == self.size and pdf.current_font_is_set_on_page

    def plain(self) -> bool:
        """Whether cell() would draw text with no colour, spacing or mode operators of its own."""
        pdf = self.pdf
        return (pdf.text_color == pdf.fill_color and not pdf.char_spacing and pdf.font_stretching == 100
                and not pdf.underline and not pdf.strikethrough and pdf.text_mode == TextMode.FILL
                and not pdf.text_shaping and not pdf._fallback_font_ids)  # noqa: SLF001

    def tail(self, text: str) -> str | None:
        """The end of `text`'s operator (` Td (glyphs) Tj ET`), or None where cell() must draw it."""
        if text not in self._glyphs:
            special = _RIGHT_TO_LEFT.search(text) or (self.pdf.str_alias_nb_pages or "\0") in text
            self._glyphs[text] = None if special else " Td (" + "".join(map(self._code.__getitem__, text)) + ") Tj ET"
        return self._glyphs[text]

    def head(self, x: float, w: float, text: str, right: bool) -> str:
        """The start of the operator (`BT x `) of `text` in a cell at `x`, `w` wide: a left-aligned text
        starts where its cell does whatever it says."""
        key = (x, w, text) if right else (x, w)
        head = self._heads.get(key)
        if head is None:
            pdf = self.pdf
            dx = w - pdf.c_margin - self.width(text) if right else pdf.c_margin
            head = self._heads[key] = f"BT {(x + dx) * pdf.k:.2f} "
        return head

    def baseline(self, y: float, h: float) -> str:
        """The `y` of the operator of a text in a cell at `y`, `h` high."""
        pdf, k = self.pdf, self.pdf.k
        return f"{(pdf.h - y - 0.5 * h - 0.3 * self.size / k) * k:.2f}"

    def centred(self, x: float, y: float, w: float, h: float, text: str) -> str | None:
        """The operator cell(w, h, text, align="C") at (x, y) writes, or None where cell() must draw it."""
        tail = self.tail(text)
        return None if tail is None else f"BT {(x + (w - self.width(text)) / 2) * self.pdf.k:.2f} " + \
            self.baseline(y, h) + tail

    def cell(self, x: float, y: float, w: float, h: float, text: str, right: bool) -> str | None:
        """The operator cell(w, h, text, align R or L) at (x, y) writes, or None where cell() must draw
        it (a special text)."""
        tail = self.tail(text)
        return None if tail is None else self.head(x, w, text, right) + self.baseline(y, h) + tail


_SEP = "\ue001"  # between the texts of a column encoded together (`_Type.encode`): a private-use character
_SLOW = "\ue000"  # a row's operators made ahead (_pdf_table) where only cell() draws a text: not latin-1, so
# never in a page's operators


def _longest(column: list[str], n: int = 5) -> list[str]:
    """The `n` longest texts of a column, as sorted(column, key=len)[-n:] picks them (later ones win a
    tie), without sorting a column of the whole student body once per type size."""
    lengths = np.fromiter(map(len, column), dtype=np.int64, count=len(column))
    return [column[i] for i in np.argsort(lengths, kind="stable")[-n:].tolist()] if n else []


def _column_widths(pdf: _Pdf, headers: list[str], columns: list[list[str]], pad: float,
                   size: float = 8) -> list[float]:
    """Each column as wide as its longest value (and its header's longest word); when the page is
    too narrow, short columns (codes, numbers, dates) keep their width and the long ones (names)
    share the rest and wrap. `columns` may hold only each column's longest values (`_longest`)."""
    pdf.set_font("DejaVu", "B", size)
    header_words = [max((pdf.get_string_width(w) for w in h.split()), default=0) for h in headers]
    pdf.set_font("DejaVu", "", size)
    natural = [max(hw, *(pdf.get_string_width(v) for v in _longest(col)), 0) + 2 * pad + 0.5
               for hw, col in zip(header_words, columns, strict=True)]
    if sum(natural) <= pdf.epw:
        return [w * pdf.epw / sum(natural) for w in natural]
    short = [w <= 25 for w in natural]
    rest = pdf.epw - sum(w for w, s in zip(natural, short, strict=True) if s)
    long_total = sum(w for w, s in zip(natural, short, strict=True) if not s)
    if rest < 15 * short.count(False):  # even the short ones do not fit: scale everything
        return [w * pdf.epw / sum(natural) for w in natural]
    return [w if s else w * rest / long_total for w, s in zip(natural, short, strict=True)]


def _header_words_fit(pdf: _Pdf, headers: list[str], widths: list[float], pad: float, size: float) -> bool:
    """Whether every word of every header fits its column at `size` (so headers wrap between words)."""
    pdf.set_font("DejaVu", "B", size)
    return all(pdf.get_string_width(word) <= width - 2 * pad
               for header, width in zip(headers, widths, strict=True) for word in header.split())


TABLE_SIZES = (8.0, 7.5, 7.0, 6.5, 6.0, 5.5, 5.0)  # the type sizes a table may be set in, largest first


def _pdf_table(pdf: _Pdf, frame: pd.DataFrame, shown_headers: list[str] | None = None,
               codes: list[str] | None = None) -> None:
    """Draw a table cell by cell: rows wrap within their column and never split across pages, and a
    new page repeats the header (and the row of column codes under it, when given). The type is the
    largest of TABLE_SIZES at which every header word fits its column. (fpdf2's own table lays text out
    several times per cell, which takes minutes for a list of the whole student body.)

    A row is the join of its cells' operators, made once per distinct text and column with the row's
    top, height and baselines left open (`cell_ops`) and filled in per row, written a page at a time;
    a row holding a text only cell() draws (right to left), the header rows and a table whose page is not
    plain black text go through `draw`. Both write the same bytes as fpdf2's rect() and cell()."""
    headers = shown_headers or [str(c) for c in frame.columns]
    columns = [_column_texts(frame.iloc[:, i]) for i in range(frame.shape[1])]
    numeric = [pd.api.types.is_numeric_dtype(frame.iloc[:, i]) and not pd.api.types.is_bool_dtype(frame.iloc[:, i])
               for i in range(frame.shape[1])]
    pad = 0.8
    longest = [_longest(column) for column in columns]
    for size in TABLE_SIZES:
        widths = _column_widths(pdf, headers, longest, pad, size)
        if _header_words_fit(pdf, headers, widths, pad, size):
            break
    line_height = 4.2 * size / 8
    k, inner = pdf.k, [w - 2 * pad for w in widths]
    lefts = list(itertools.accumulate(widths[:-1], initial=pdf.l_margin))
    rect_x, rect_w = [f"{x * k:.2f}" for x in lefts], [f"{w * k:.2f}" for w in widths]
    kinds = {False: _Type(pdf, "", size), True: _Type(pdf, "B", size)}
    plain = kinds[False].plain()  # nothing in a table changes colours or spacing
    wraps: dict[bool, list[dict[str, list[str]]]] = {bold: [{} for _ in widths] for bold in kinds}
    repeated: dict[tuple[bool, tuple[str, ...], float, str], str] = {}  # a header row's operators at y
    header_lines: dict[tuple[str, ...], list[list[str]]] = {}  # a header row's lines in each column

    def lines_of(value: str, col: int, bold: bool) -> list[str]:
        known = wraps[bold][col]
        lines = known.get(value)
        if lines is None:
            lines = known[value] = _wrap(kinds[bold].width, value, inner[col])
        return lines

    def draw(values: list[str] | tuple[str, ...], bold: bool) -> None:
        """One row: its cells' frames and text, written as pdf.rect() and pdf.cell() would write them,
        with the lines of each distinct text in a column and the parts of its operators made once."""
        kind = kinds[bold]
        wrapped = header_lines.get(tuple(values)) if bold else None  # a header row: on every page
        if wrapped is None:
            wrapped = [lines_of(value, col, bold) for col, value in enumerate(values)]
            if bold:
                header_lines[tuple(values)] = wrapped
        height = max(map(len, wrapped)) * line_height + 2 * pad
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            if not bold:
                draw(headers, True)
                if codes:
                    draw(codes, True)
        font = kind.select()  # written before the row's first text, as cell() writes it
        y = pdf.get_y()
        key = (bold, tuple(values), y, font)
        if key in repeated:  # the header again, on a page like the last
            pdf._out(repeated[key])  # noqa: SLF001
            pdf.set_xy(pdf.l_margin, y + height)
            return
        drawn_by_cell = False
        top, tall = f"{(pdf.h - y) * k:.2f}", f"{-height * k:.2f}"
        baselines: list[str] = []
        ops: list[str] = []
        for col, lines in enumerate(wrapped):
            ops.append(f"{rect_x[col]} {top} {rect_w[col]} {tall} re S")
            right = numeric[col] and not bold
            for n, line in enumerate(lines):
                if not line:
                    continue
                tail = kind.tail(line) if plain else None
                if font:
                    ops.append(font)
                    font = ""
                if tail is None:  # a text only cell() draws right
                    pdf._out("\n".join(ops))  # noqa: SLF001
                    ops, drawn_by_cell = [], True
                    pdf.set_xy(lefts[col] + pad, y + pad + n * line_height)
                    pdf.cell(inner[col], line_height, line, align="R" if right else "L")
                    continue
                while len(baselines) <= n:
                    baselines.append(kind.baseline(y + pad + len(baselines) * line_height, line_height))
                ops.append(kind.head(lefts[col] + pad, inner[col], line, right) + baselines[n] + tail)
        if font:  # a row of empty cells: the font is still the page's from here on
            ops.append(font)
        if ops:
            pdf._out("\n".join(ops))  # noqa: SLF001
            if bold and not drawn_by_cell:
                repeated[key] = "\n".join(ops)
        pdf.set_xy(pdf.l_margin, y + height)

    if pdf.get_y() + 4 * line_height > pdf.page_break_trigger:  # no header alone at a page's foot
        pdf.add_page()
    draw(headers, True)
    if codes:
        draw(codes, True)
    if not plain:
        for values in zip(*columns, strict=True):
            draw(values, False)
        return
    regular = kinds[False]

    def cell_ops(col: int) -> _PerChar:
        """Per text of column `col`: its cell's operators as a %-template of the row's top (%(t)s), height
        (%(h)s) and the baseline of each of its lines (%(0)s, %(1)s, ...), or _SLOW where only cell()
        draws one of its lines."""
        frame_op = f"{rect_x[col]} %(t)s {rect_w[col]} %(h)s re S"
        x, w, right = lefts[col] + pad, inner[col], numeric[col]
        left = regular.head(x, w, "", False)  # a left-aligned text starts where its cell does

        def make(value: str) -> str:
            ops = [frame_op]
            for n, line in enumerate(lines_of(value, col, False)):
                if not line:
                    continue
                tail = regular.tail(line)
                if tail is None:
                    return _SLOW
                ops.append(f"{regular.head(x, w, line, True) if right else left}%({n})s{tail.replace('%', '%%')}")
            return "\n".join(ops)
        return _PerChar(make)

    def column_ops(col: int, column: list[str]) -> tuple[list[str], list[int] | None]:
        """Per row of column `col`: its cell's operators (as `cell_ops` makes them) and, where a text of the
        column wraps, its number of lines. The column's distinct texts are measured together (`_Type.widths`)
        and their glyphs encoded in one str.translate, in the order `cell_ops` would pick them."""
        distinct = list(dict.fromkeys(column))  # as cell_ops meets them
        joined = _SEP.join(distinct)
        if (joined.count(_SEP) != len(distinct) - 1 or _RIGHT_TO_LEFT.search(joined)
                or (pdf.str_alias_nb_pages or "\0") in joined):  # a text only cell() draws: one at a time
            made = cell_ops(col)
            ops = list(map(made.__getitem__, column))
            wrapped = wraps[False][col]
            if not any(len(w) > 1 for w in wrapped.values()):
                return ops, None
            return ops, list(map({value: len(lines) for value, lines in wrapped.items()}.__getitem__, column))
        frame_op, framed = f"%(F{col})s", f"%(L{col})s"  # the cell's frame; its frame and a left text's start
        x, w, right = lefts[col] + pad, inner[col], numeric[col]
        widths = regular.widths(distinct)
        split = [None if width <= w else regular.wrap(text, w, True)
                 for text, width in zip(distinct, widths, strict=True)]
        wrapping = any(split)
        flat = distinct if not wrapping else [line for text, lines in zip(distinct, split, strict=True)
                                              for line in (lines or (text,))]
        codes = regular.encode(flat)
        left = regular.head(x, w, "", False)  # a left-aligned text starts where its cell does
        made: dict[str, str] = {}
        at = 0
        for text, width, lines in zip(distinct, widths, split, strict=True):
            if lines is None:
                code = codes[at]
                at += 1
                if not text:
                    made[text] = frame_op
                elif right:
                    made[text] = f"{frame_op}\nBT {(x + (w - pdf.c_margin - width)) * k:.2f} %(0)s Td ({code}) Tj ET"
                else:
                    made[text] = f"{framed} Td ({code}) Tj ET"
                continue
            ops = [frame_op]
            for n, line in enumerate(lines):
                code = codes[at]
                at += 1
                if line:
                    ops.append(f"{regular.head(x, w, line, True) if right else left}%({n})s Td ({code}) Tj ET")
            made[text] = "\n".join(ops)
        if not wrapping:
            return list(map(made.__getitem__, column)), None
        count = {text: len(lines) if lines else 1 for text, lines in zip(distinct, split, strict=True)}
        return list(map(made.__getitem__, column)), list(map(count.__getitem__, column))

    def row_place(y: float, n: int, height: float) -> dict[str, str]:
        """What a row of `n` lines at `y` fills in: its top (t), height (h), the baseline of each line (0, 1,
        ...), each column's frame (F<col>) and that frame followed by the start of a left-aligned text's
        first line (L<col>)."""
        top, tall = f"{(pdf.h - y) * k:.2f}", f"{-height * k:.2f}"
        place = {"t": top, "h": tall} | {str(j): regular.baseline(y + pad + j * line_height, line_height)
                                         for j in range(n)}
        for col in range(len(widths)):
            frame = place[f"F{col}"] = f"{rect_x[col]} {top} {rect_w[col]} {tall} re S"
            place[f"L{col}"] = f"{frame}\n{regular.head(lefts[col] + pad, inner[col], '', False)}{place['0']}"
        return place

    made_columns = [column_ops(col, column) for col, column in enumerate(columns)]
    cells = [ops for ops, _ in made_columns]
    lines = [counts for _, counts in made_columns if counts is not None]
    slow = any(_SLOW in ops for ops in cells)
    per_row = itertools.repeat(1) if not lines else lines[0] if len(lines) == 1 else map(max, zip(*lines, strict=True))
    def heads() -> None:
        draw(headers, True)
        if codes:
            draw(codes, True)
    page_start: dict[str, object] = {}  # a new page with the header drawn on it (add_page_with)
    places: dict[tuple[float, int], dict[str, str]] = {}  # top, height and baselines at y, as draw() writes them
    done: list[str] = []  # rows not yet written
    y, ready = pdf.get_y(), regular.is_set()
    for i, (row, n) in enumerate(zip(map("\n".join, zip(*cells, strict=True)), per_row, strict=False)):
        height = n * line_height + 2 * pad
        if (slow and _SLOW in row) or y + height > pdf.page_break_trigger:
            if done:
                pdf._out("\n".join(done))  # noqa: SLF001
                done = []
            pdf.set_xy(pdf.l_margin, y)
            if slow and _SLOW in row:
                draw([column[i] for column in columns], False)
                y, ready = pdf.get_y(), regular.is_set()
                continue
            pdf.add_page_with(heads, page_start)  # as draw() does: the header again, then this row
            y, ready = pdf.get_y(), regular.is_set()
        place = places.get((y, n))
        if place is None:
            place = places[y, n] = row_place(y, n, height)
        if ready:
            done.append(row % place)
        else:  # the font, before the row's first text (or after its frames), as draw() writes it
            row, font = row % place, regular.select()
            first = row.find("BT ")
            if font:
                row = f"{row}\n{font}" if first < 0 else f"{row[:first]}{font}\n{row[first:]}"
            done.append(row)
            ready = True
        y += height
    if done:
        pdf._out("\n".join(done))  # noqa: SLF001
    pdf.set_xy(pdf.l_margin, y)
