"""The year report's text: what the secretariat writes, with the year's figures filled in.

The text may name figures in braces: {nam} (the year) and, for each level (ministry,
province, department, commune), {<level>_trung_binh} (the average index, %),
{<level>_so_don_vi} (units ranked), {<level>_tren_trung_binh} (units above the average),
{<level>_cao_nhat} / {<level>_thap_nhat} (the first and the last unit) and
{<level>_chi_so_cao_nhat} / {<level>_chi_so_thap_nhat} (their indices). A name it does not
know stays as written, so a typo shows on the draft instead of vanishing."""

import re

from appraisal.selectors.public import PublishedLevel

TOKEN = re.compile(r"\{([a-z_]+)\}")

# the text a year report carries until the secretariat writes its own
DEFAULT = (
    "Thực hiện Kế hoạch xác định Chỉ số cải cách hành chính năm {nam}, trên cơ sở kết quả "
    "tự đánh giá, chấm điểm của các cơ quan, đơn vị, kết quả thẩm định của Hội đồng thẩm định "
    "và kết quả điều tra xã hội học, cơ quan thường trực báo cáo kết quả Chỉ số cải cách hành "
    "chính năm {nam} như sau."
)
LEVEL_DEFAULT = (
    "{label}: giá trị trung bình Chỉ số cải cách hành chính đạt {trung_binh}%; cao nhất là "
    "{cao_nhat} ({chi_so_cao_nhat}%), thấp nhất là {thap_nhat} ({chi_so_thap_nhat}%); "
    "{tren_trung_binh}/{so_don_vi} đơn vị đạt trên giá trị trung bình."
)


def _percent(value) -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


def figures(year: int, levels: list[PublishedLevel]) -> dict[str, str]:
    values = {"nam": str(year)}
    for level in levels:
        ranked = level.ranked
        first, last = (ranked[0], ranked[-1]) if ranked else (None, None)
        values.update(
            {
                f"{level.level}_trung_binh": _percent(level.average),
                f"{level.level}_so_don_vi": str(len(ranked)),
                f"{level.level}_tren_trung_binh": str(level.above_average),
                f"{level.level}_cao_nhat": first.name_vi if first else "—",
                f"{level.level}_thap_nhat": last.name_vi if last else "—",
                f"{level.level}_chi_so_cao_nhat": _percent(first.index if first else None),
                f"{level.level}_chi_so_thap_nhat": _percent(last.index if last else None),
            }
        )
    return values


def fill(text: str, values: dict[str, str]) -> str:
    return TOKEN.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def narrative(text: str, year: int, levels: list[PublishedLevel]) -> list[str]:
    """The report's paragraphs: the secretariat's text, or the default one per level."""
    values = figures(year, levels)
    if text.strip():
        return [p.strip() for p in fill(text, values).split("\n\n") if p.strip()]
    paragraphs = [fill(DEFAULT, values)]
    for level in levels:
        prefix = f"{level.level}_"
        own = {k[len(prefix) :]: v for k, v in values.items() if k.startswith(prefix)}
        paragraphs.append(fill(LEVEL_DEFAULT, {**own, "label": level.label}))
    return paragraphs
