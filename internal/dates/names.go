package dates

import "github.com/newswire/newswire/internal/arabic"

// The lookup tables below are keyed by arabic.Fold of the name (lowercase,
// alef forms and ة/ى folded, no diacritics or tatweel), because the parser
// folds its input the same way. They are built once and never written.

// month is a calendar month; hijri marks the Islamic months.
type month struct {
	n     int
	hijri bool
}

var months = foldKeys(map[string]month{
	// English.
	"january": {1, false}, "jan": {1, false}, "february": {2, false}, "feb": {2, false},
	"march": {3, false}, "mar": {3, false}, "april": {4, false}, "apr": {4, false},
	"may": {5, false}, "june": {6, false}, "jun": {6, false}, "july": {7, false}, "jul": {7, false},
	"august": {8, false}, "aug": {8, false}, "september": {9, false}, "sep": {9, false},
	"sept": {9, false}, "october": {10, false}, "oct": {10, false}, "november": {11, false},
	"nov": {11, false}, "december": {12, false}, "dec": {12, false},

	// Levantine and Iraqi (Syriac) names.
	"كانون الثاني": {1, false}, "كانون ثاني": {1, false}, "شباط": {2, false},
	"آذار": {3, false}, "نيسان": {4, false}, "أيار": {5, false}, "حزيران": {6, false},
	"تموز": {7, false}, "آب": {8, false}, "أيلول": {9, false},
	"تشرين الأول": {10, false}, "تشرين أول": {10, false},
	"تشرين الثاني": {11, false}, "تشرين ثاني": {11, false},
	"كانون الأول": {12, false}, "كانون أول": {12, false},

	// Egyptian and Gulf (transliterated) names, with common spellings.
	"يناير": {1, false}, "فبراير": {2, false}, "مارس": {3, false}, "أبريل": {4, false},
	"إبريل": {4, false}, "مايو": {5, false}, "يونيو": {6, false}, "يونيه": {6, false},
	"يوليو": {7, false}, "يوليه": {7, false}, "أغسطس": {8, false}, "سبتمبر": {9, false},
	"أكتوبر": {10, false}, "اكتوبر": {10, false}, "نوفمبر": {11, false}, "ديسمبر": {12, false},

	// Maghrebi names (Algeria, Tunisia; Morocco).
	"جانفي": {1, false}, "فيفري": {2, false}, "أفريل": {4, false}, "ماي": {5, false},
	"جوان": {6, false}, "جويلية": {7, false}, "جويليه": {7, false}, "أوت": {8, false},
	"يوليوز": {7, false}, "غشت": {8, false}, "شتنبر": {9, false}, "نونبر": {11, false},
	"دجنبر": {12, false},

	// Hijri months.
	"محرم": {1, true}, "المحرم": {1, true}, "صفر": {2, true},
	"ربيع الأول": {3, true}, "ربيع أول": {3, true},
	"ربيع الثاني": {4, true}, "ربيع ثاني": {4, true}, "ربيع الآخر": {4, true}, "ربيع آخر": {4, true},
	"جمادى الأولى": {5, true}, "جمادى الأول": {5, true}, "جمادى أولى": {5, true}, "جمادى الاولى": {5, true},
	"جمادى الآخرة": {6, true}, "جمادى الثانية": {6, true}, "جمادى الآخر": {6, true},
	"جمادى الثاني": {6, true}, "جمادى آخرة": {6, true}, "جمادى ثانية": {6, true},
	"رجب": {7, true}, "شعبان": {8, true}, "رمضان": {9, true}, "شوال": {10, true},
	"ذو القعدة": {11, true}, "ذي القعدة": {11, true}, "ذوالقعدة": {11, true}, "ذو قعدة": {11, true},
	"ذو الحجة": {12, true}, "ذي الحجة": {12, true}, "ذوالحجة": {12, true}, "ذو حجة": {12, true},
})

// monthFirstWords are the first words of two-word month names.
var monthFirstWords = foldKeys(map[string]bool{
	"كانون": true, "تشرين": true, "ربيع": true, "جمادى": true, "ذو": true, "ذي": true,
})

// weekdays are ignored wherever they appear (a wrong weekday is common).
var weekdays = foldKeys(map[string]bool{
	"monday": true, "mon": true, "tuesday": true, "tue": true, "tues": true,
	"wednesday": true, "wed": true, "thursday": true, "thu": true, "thur": true, "thurs": true,
	"friday": true, "fri": true, "saturday": true, "sat": true, "sunday": true, "sun": true,
	"الأحد": true, "الاثنين": true, "الإثنين": true, "الأثنين": true, "الثلاثاء": true,
	"الأربعاء": true, "الخميس": true, "الجمعة": true, "السبت": true,
	"أحد": true, "اثنين": true, "إثنين": true, "ثلاثاء": true, "أربعاء": true,
	"خميس": true, "جمعة": true, "سبت": true,
})

// fillers are words that carry no date information ("published", "at",
// "يوم", "الساعة", "بتاريخ"…).
var fillers = foldKeys(map[string]bool{
	"at": true, "on": true, "of": true, "the": true, "published": true, "updated": true,
	"posted": true, "date": true, "st": true, "nd": true, "rd": true, "th": true,
	"في": true, "يوم": true, "الساعة": true, "ساعة": true, "الساعه": true, "بتاريخ": true,
	"تاريخ": true, "نشر": true, "النشر": true, "آخر": true, "تحديث": true, "التحديث": true,
	"تم": true, "عند": true, "ميلادي": true, "ميلادية": true, "للميلاد": true,
	"الميلادي": true, "الموافق": true,
})

// hijriMarkers mark a date as Hijri: هـ (folded to ه) and its spelled-out forms.
var hijriMarkers = foldKeys(map[string]bool{
	"هـ": true, "ھ": true, "هجري": true, "هجرية": true, "الهجري": true, "الهجرية": true,
	"للهجرة": true,
})

// Meridiem markers. "م" is handled apart: after a time it is PM (مساءً),
// elsewhere it marks a Gregorian year (ميلادي).
type meridiem int

const (
	noMeridiem meridiem = iota
	am                  // 12 → 0
	pm                  // 1–11 → +12
	noon                // ظهرًا: 1–5 → +12
	night               // ليلًا: 6–11 → +12, 12 → 0
)

var meridiems = foldKeys(map[string]meridiem{
	"am": am, "pm": pm, "ص": am, "صباحا": am, "صباحًا": am, "صباح": am, "الصباح": am,
	"فجرا": am, "فجرًا": am, "الفجر": am,
	"مساء": pm, "مساءً": pm, "مساءا": pm, "المساء": pm, "عصرا": pm, "عصرًا": pm, "العصر": pm,
	"ظهرا": noon, "ظهرًا": noon, "الظهر": noon, "ليلا": night, "ليلًا": night, "الليل": night,
})

// zones maps zone abbreviations to their offset east of UTC, in seconds.
//
// AST is Arabia Standard Time (+03:00), not Atlantic Standard Time: in the
// Arabic news feeds newswire reads it always means Riyadh, Baghdad, Kuwait or
// Doha. GST is Gulf Standard Time (+04:00). CST is US Central (as gofeed reads
// it), not China. IST and BST are ambiguous and rejected (see ambiguousZones).
var zones = map[string]int{
	"gmt": 0, "ut": 0, "utc": 0, "z": 0, "wet": 0, "west": 1 * 3600,
	"cet": 1 * 3600, "cest": 2 * 3600, "eet": 2 * 3600, "eest": 3 * 3600,
	"est": -5 * 3600, "edt": -4 * 3600, "cst": -6 * 3600, "cdt": -5 * 3600,
	"mst": -7 * 3600, "mdt": -6 * 3600, "pst": -8 * 3600, "pdt": -7 * 3600,
	"ast": 3 * 3600, "gst": 4 * 3600, "msk": 3 * 3600, "trt": 3 * 3600,
	"irst": 3*3600 + 1800, "pkt": 5 * 3600,
}

// ambiguousZones name more than one zone in real use.
var ambiguousZones = map[string]string{
	"ist": "India, Israel or Irish time",
	"bst": "British Summer or Bangladesh time",
	"adt": "Atlantic or Arabia daylight time",
}

// placeZones are the places named after بتوقيت ("in the time of"): only
// those whose offset never changes (no daylight saving time).
var placeZones = foldKeys(map[string]int{
	"غرينتش": 0, "غرينيتش": 0, "جرينتش": 0, "جرينيتش": 0,
	"مكة": 3 * 3600, "الرياض": 3 * 3600, "السعودية": 3 * 3600, "بغداد": 3 * 3600,
	"الدوحة": 3 * 3600, "الكويت": 3 * 3600, "المنامة": 3 * 3600, "دمشق": 3 * 3600,
	"أبوظبي": 4 * 3600, "دبي": 4 * 3600, "الإمارات": 4 * 3600, "مسقط": 4 * 3600,
})

// timeWords introduce a place zone: بتوقيت مكة المكرمة, توقيت غرينتش.
var timeWords = foldKeys(map[string]bool{
	"بتوقيت": true, "توقيت": true, "بالتوقيت": true, "التوقيت": true,
})

// trustedZones are the abbreviations gofeed v1.4.2 resolves to the right
// offset on every host (see TrustGofeed).
var trustedZones = map[string]bool{
	"gmt": true, "utc": true, "ut": true, "z": true, "est": true, "edt": true,
	"cst": true, "cdt": true, "mst": true, "mdt": true, "pst": true, "pdt": true,
	"wet": true, "west": true, "cet": true, "cest": true, "eet": true, "eest": true,
}

func foldKeys[V any](m map[string]V) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[arabic.Fold(k)] = v
	}
	return out
}
