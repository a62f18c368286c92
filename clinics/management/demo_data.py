"""The made-up pieces demo clinics are drawn from: cities, names, streets, hours, prices and billing."""

from clinics.models import ClinicTreatment

# Metros where most demo clinics cluster, so a search near a big city finds several.
METROS = [
    ("Austin", "TX"),
    ("Houston", "TX"),
    ("Dallas", "TX"),
    ("San Antonio", "TX"),
    ("Phoenix", "AZ"),
    ("Los Angeles", "CA"),
    ("San Diego", "CA"),
    ("San Francisco", "CA"),
    ("Sacramento", "CA"),
    ("Denver", "CO"),
    ("Seattle", "WA"),
    ("Portland", "OR"),
    ("Chicago", "IL"),
    ("Minneapolis", "MN"),
    ("New York", "NY"),
    ("Brooklyn", "NY"),
    ("Boston", "MA"),
    ("Philadelphia", "PA"),
    ("Pittsburgh", "PA"),
    ("Miami", "FL"),
    ("Tampa", "FL"),
    ("Orlando", "FL"),
    ("Atlanta", "GA"),
    ("Nashville", "TN"),
    ("Charlotte", "NC"),
    ("Raleigh", "NC"),
    ("Washington", "DC"),
    ("Baltimore", "MD"),
    ("Columbus", "OH"),
    ("Detroit", "MI"),
    ("Salt Lake City", "UT"),
    ("Las Vegas", "NV"),
    ("Kansas City", "MO"),
    ("New Orleans", "LA"),
    ("Albuquerque", "NM"),
    ("Boise", "ID"),
    ("Richmond", "VA"),
    ("Louisville", "KY"),
]
METRO_SHARE = 0.7

NAME_FIRST = [
    "Bluebird",
    "Cedar",
    "Lantern",
    "Harbor",
    "Willow",
    "Summit",
    "Meadow",
    "Riverstone",
    "Clearwater",
    "Northstar",
    "Juniper",
    "Evergreen",
    "Sunrise",
    "Quiet Oak",
    "Stillwater",
    "Aspen",
    "Silver Pine",
    "Kestrel",
    "Magnolia",
    "Brightpath",
    "Foxglove",
    "Tidewater",
    "Copper Hill",
    "Lighthouse",
    "Sage",
]
NAME_LAST = [
    "Ketamine Clinic",
    "Ketamine Center",
    "Infusion Center",
    "Wellness Clinic",
    "Mental Health Partners",
    "Ketamine & Pain Clinic",
    "Infusion Therapy",
    "Psychiatry & Ketamine",
    "Ketamine Institute",
]
PEOPLE_FIRST = [
    "Avery",
    "Jordan",
    "Morgan",
    "Riley",
    "Casey",
    "Quinn",
    "Harper",
    "Rowan",
    "Emerson",
    "Sasha",
    "Devin",
    "Kai",
    "Reese",
    "Noel",
    "Parker",
    "Sydney",
    "Taylor",
    "Jamie",
    "Robin",
    "Lee",
]
PEOPLE_LAST = [
    "Okafor",
    "Lindqvist",
    "Moreno",
    "Nakamura",
    "Delacroix",
    "Brennan",
    "Castillo",
    "Haddad",
    "Whitfield",
    "Osei",
    "Kowalski",
    "Abernathy",
    "Ferreira",
    "Tran",
    "Gallagher",
    "Iyer",
]
CREDENTIALS = [
    "MD, board-certified anesthesiologist",
    "MD, board-certified psychiatrist",
    "DO, emergency medicine",
    "MD, pain medicine",
    "CRNA, certified registered nurse anesthetist",
    "PMHNP-BC, psychiatric nurse practitioner",
]
STREETS = [
    "Main St",
    "Oak Ave",
    "Congress Ave",
    "Market St",
    "Elm St",
    "Park Blvd",
    "Lakeview Dr",
    "Medical Pkwy",
    "Commerce Way",
    "2nd St",
    "Cedar Ln",
    "Riverside Dr",
]
HOURS = [
    "Mon-Fri 8am-5pm\nSat 9am-1pm",
    "Mon-Thu 7am-6pm\nFri 7am-3pm",
    "Tue-Sat 9am-6pm",
    "Mon-Fri 9am-7pm",
]
FIRST_VISITS = [
    "Your first appointment is a consultation of about an hour with our medical director: health history, "
    "current medicines, and what you hope to change. If ketamine suits you, we book the first session.",
    "We start with a screening call, then an in-person assessment with vital signs and questionnaires. "
    "Bring a list of your medicines and plan for someone to drive you home after each session.",
    "A nurse reviews your records before you arrive. On the day: no food for four hours beforehand, "
    "a comfortable chair, an eye mask and music, and a staff member with you throughout.",
]

# Self-pay price bands per treatment in whole dollars: (lowest min, highest min, widest spread, unit).
# Oral ketamine is a take-home prescription, so it is priced per month, not per session.
PRICES = {
    "iv-infusion": (400, 650, 200, ClinicTreatment.PriceUnit.SESSION),
    "im-injection": (300, 450, 150, ClinicTreatment.PriceUnit.SESSION),
    "spravato": (550, 700, 100, ClinicTreatment.PriceUnit.SESSION),
    "oral-sublingual": (150, 300, 100, ClinicTreatment.PriceUnit.MONTH),
}
PRICE_CEILING = 800
# How often each treatment is billed to insurance: Spravato usually, off-label ketamine almost never.
BILLED_SHARE = {"iv-infusion": 0.02, "im-injection": 0.03, "spravato": 0.85, "oral-sublingual": 0.0}
# Carriers that sell plans only in some states; the rest are offered everywhere.
CARRIER_STATES = {
    "kaiser-permanente": {"CA", "CO", "GA", "HI", "MD", "OR", "VA", "WA", "DC"},
    "anthem": {"CA", "CO", "CT", "GA", "IN", "KY", "ME", "MO", "NV", "NH", "NY", "OH", "VA", "WI"},
}
