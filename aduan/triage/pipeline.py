"""The whole triage of a complaint's text: category, place, urgency, personal data."""

from dataclasses import asdict, dataclass, field

from . import classifier, officials
from . import pii as personal_data
from .pii import Finding
from .place import PlaceIndex, rt_rw
from .urgency import urgency


@dataclass
class TriageResult:
    category: str
    confidence: float
    suggestions: list[tuple[str, float]]
    region_code: str | None
    rt: int | None
    rw: int | None
    urgency: str
    pii: list[Finding] = field(default_factory=list)
    masked_text: str = ""
    official: officials.OfficialMention | None = None  # a complaint about an official

    def to_dict(self) -> dict:
        data = asdict(self)
        data["suggestions"] = [list(s) for s in self.suggestions]
        return data


def _point_region(lat: float | None, lng: float | None) -> str | None:
    if lat is None or lng is None:
        return None
    from aduan.regions.loader import kelurahan_at

    region = kelurahan_at(lat, lng)
    return region.code if region else None


def analyse_many(texts: list[str], places: PlaceIndex | None = None,
                 points: list[tuple[float | None, float | None]] | None = None,
                 ) -> list[TriageResult]:
    """Triage a batch (one classifier call for all texts: much faster than one by one)."""
    normalised = [classifier.prepare(t) for t in texts]
    predictions = classifier.default_model(places.city if places else None).predict_normalised(
        normalised)
    results = []
    for i, (text, prediction) in enumerate(zip(texts, predictions, strict=True)):
        lat, lng = points[i] if points else (None, None)
        code = _point_region(lat, lng)
        if places is not None:
            place = places.locate(text)
            rt, rw = place.rt, place.rw
            code = code or place.region_code
        else:
            rt, rw = rt_rw(text)
        findings = personal_data.find(text)
        results.append(TriageResult(
            category=prediction.category,
            confidence=prediction.confidence,
            suggestions=prediction.top3,
            region_code=code,
            rt=rt,
            rw=rw,
            urgency=urgency(text, normalised[i]),
            pii=findings,
            masked_text=personal_data.mask(text, findings),
            official=officials.detect(text),
        ))
    return results


def analyse(text: str, places: PlaceIndex | None = None, lat: float | None = None,
            lng: float | None = None) -> TriageResult:
    """Triage one complaint. A point (from the channel or a photo) picks the kelurahan by
    point-in-polygon when boundaries are loaded; otherwise the place named in the text."""
    return analyse_many([text], places, [(lat, lng)])[0]
