"""The values the landing files are written with: countries and their spellings, cities,
currencies and prices, order, event and ticket vocabularies, the product catalog's words,
names and email domains. Their weights and shares are in config.py; the manifest lists the
categorical ones (manifest.value_sets).
"""

from __future__ import annotations

COUNTRIES: dict[str, tuple[str, ...]] = {
    # ISO 3166-1 alpha-2 -> the spellings written to the CRM export
    "DE": ("DE", "de", "Germany", "germany", "GERMANY"),
    "GB": ("GB", "UK", "uk", "United Kingdom", "united kingdom"),
    "US": ("US", "USA", "usa", "United States", "united states"),
    "FR": ("FR", "fr", "France", "france"),
    "ES": ("ES", "es", "Spain", "spain"),
    "IT": ("IT", "it", "Italy", "italy"),
    "NL": ("NL", "nl", "Netherlands", "netherlands"),
    "SE": ("SE", "se", "Sweden", "sweden"),
    "PL": ("PL", "pl", "Poland", "poland"),
    "AT": ("AT", "at", "Austria", "austria"),
    "CH": ("CH", "ch", "Switzerland", "switzerland"),
}
COUNTRY_CURRENCY = {
    "DE": "EUR",
    "GB": "GBP",
    "US": "USD",
    "FR": "EUR",
    "ES": "EUR",
    "IT": "EUR",
    "NL": "EUR",
    "SE": "SEK",
    "PL": "PLN",
    "AT": "EUR",
    "CH": "CHF",
}
COUNTRY_LANGUAGE = {
    "DE": "de",
    "GB": "en",
    "US": "en",
    "FR": "fr",
    "ES": "es",
    "IT": "it",
    "NL": "nl",
    "SE": "sv",
    "PL": "pl",
    "AT": "de",
    "CH": "de",
}
COUNTRY_DIAL = {
    "DE": "49",
    "GB": "44",
    "US": "1",
    "FR": "33",
    "ES": "34",
    "IT": "39",
    "NL": "31",
    "SE": "46",
    "PL": "48",
    "AT": "43",
    "CH": "41",
}
CITIES: dict[str, tuple[str, ...]] = {
    "DE": ("Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", "Stuttgart", "Leipzig"),
    "GB": ("London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Bristol"),
    "US": ("New York", "Chicago", "Los Angeles", "Boston", "Seattle", "Austin"),
    "FR": ("Paris", "Lyon", "Marseille", "Toulouse", "Nantes", "Lille"),
    "ES": ("Madrid", "Barcelona", "Valencia", "Sevilla", "Málaga"),
    "IT": ("Roma", "Milano", "Napoli", "Torino", "Bologna"),
    "NL": ("Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven"),
    "SE": ("Stockholm", "Göteborg", "Malmö", "Uppsala"),
    "PL": ("Warszawa", "Kraków", "Wrocław", "Gdańsk", "Poznań"),
    "AT": ("Wien", "Graz", "Linz", "Salzburg"),
    "CH": ("Zürich", "Genève", "Basel", "Bern", "Lausanne"),
}
CURRENCIES = ("EUR", "USD", "GBP", "SEK", "PLN", "CHF")
FX_PER_EUR = {"EUR": 1.0, "USD": 1.08, "GBP": 0.85, "SEK": 11.3, "PLN": 4.3, "CHF": 0.95}
SHIPPING_CENTS = {"EUR": 495, "USD": 599, "GBP": 399, "SEK": 4900, "PLN": 1999, "CHF": 690}
UNKNOWN_CURRENCIES = ("XXX", "EURO", "US$", "EUR0")
ORDER_CHANNELS = ("web", "app", "marketplace")
ORDER_STATUSES = ("placed", "shipped", "delivered", "cancelled", "returned")
COUPONS = ("WELCOME10", "SPRING15", "SUMMER20", "VIP25", "FREESHIP", "BLACKFRIDAY")
TIERS = ("bronze", "silver", "gold", "platinum")
LANGUAGES = ("de", "en", "fr", "es", "it", "nl", "sv", "pl")
EDITIONS = ("Limited", "Edition 2", "XL")  # quoted in some product names
WRONG_QUANTITIES = ("two", "one", "three", "x2", "1 pc")

EVENT_TYPES = ("page_view", "product_view", "add_to_cart", "checkout", "purchase")
DEVICES = ("desktop", "mobile", "tablet")
UTM_CAMPAIGNS = (
    ("google", "cpc", "brand_search"),
    ("google", "cpc", "generic_search"),
    ("facebook", "paid_social", "spring_sale"),
    ("instagram", "paid_social", "new_collection"),
    ("newsletter", "email", "weekly_newsletter"),
    ("tiktok", "paid_social", "creator_collab"),
    ("awin", "affiliate", "partner_deals"),
)
UTM_REFERRER = (
    "www.google.com",
    "www.google.com",
    "www.facebook.com",
    "www.instagram.com",
    None,
    "www.tiktok.com",
    "www.awin1.com",
)
ORGANIC_REFERRERS = ("www.google.com", "www.bing.com", "duckduckgo.com", "t.co", "www.reddit.com")

TICKET_CATEGORIES = ("billing", "delivery", "product", "account")
TICKET_PRIORITIES = ("low", "normal", "high", "urgent")
TICKET_STATUSES = ("new", "open", "pending", "solved", "closed")
TICKET_CHANNELS = ("email", "chat", "phone")
CHANGE_TYPES = ("insert", "update_preimage", "update_postimage", "delete")

CATEGORIES: dict[str, tuple[tuple[str, ...], tuple[str, ...], float]] = {
    # category -> (brands, nouns, median list price EUR)
    "electronics": (
        ("Voltra", "Nordtek", "Sonique", "Pixelon"),
        ("Headphones", "Speaker", "Charger", "Smartwatch", "Keyboard", "Webcam"),
        60.0,
    ),
    "home": (
        ("Hygge Home", "Casa Bella", "Nordform"),
        ("Kettle", "Lamp", "Cushion", "Vase", "Blanket", "Mug Set"),
        30.0,
    ),
    "fashion": (
        ("Urban Thread", "Maison Lune", "Fjord & Co"),
        ("T-Shirt", "Jeans", "Sneakers", "Jacket", "Scarf", "Dress"),
        40.0,
    ),
    "beauty": (
        ("Glowé", "Pure Botanica", "Skinlab"),
        ("Face Cream", "Shampoo", "Serum", "Lip Balm", "Perfume"),
        18.0,
    ),
    "sports": (
        ("Peakline", "Stride", "Aquaflow"),
        ("Yoga Mat", "Running Shoes", "Water Bottle", "Dumbbell", "Backpack"),
        35.0,
    ),
    "toys": (
        ("Kidzoo", "Blockhaus"),
        ("Puzzle", "Building Set", "Plush Bear", "Board Game"),
        22.0,
    ),
    "books": (
        ("Penwick", "Atlas Press"),
        ("Cookbook", "Novel", "Travel Guide", "Notebook"),
        15.0,
    ),
    "garden": (
        ("Greenleaf", "Terra"),
        ("Plant Pot", "Garden Hose", "Seed Kit", "Pruning Shears"),
        25.0,
    ),
}
ADJECTIVES = ("Classic", "Pro", "Mini", "Eco", "Deluxe", "Smart", "Essential", "Plus", "Air", "Max")
COLORS = ("black", "white", "oak", "steel", "blue", "red", "sand")

FIRST_NAMES = (
    "Anna", "Lukas", "Sophie", "Jonas", "Marie", "Felix", "Emma", "Noah", "Mia", "Elias",
    "Léa", "Hugo", "Chloé", "Louis", "Olivia", "Jack", "Amelia", "Harry", "Isla", "Oliver",
    "Lucía", "Mateo", "Sofía", "Giulia", "Lorenzo", "Chiara", "Daan", "Sanne", "Emil",
    "Astrid", "Maja", "Oskar", "Zofia", "Jakub", "Liam", "Ava", "Ethan", "Zoë", "Björn",
    "Jürgen", "Renée", "François", "José", "Ines", "Paul", "Laura", "Ben", "Hannah",
)  # fmt: skip
LAST_NAMES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Martin", "Bernard", "Dubois", "Durand", "Lefèvre", "Smith", "Jones", "Taylor", "Brown",
    "Williams", "García", "Fernández", "López", "Martínez", "Rossi", "Russo", "Bianchi",
    "Romano", "de Vries", "van Dijk", "Jansen", "Bakker", "Andersson", "Johansson",
    "Karlsson", "Nilsson", "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Gruber", "Huber",
    "Keller", "O'Brien", "Murphy", "Johnson", "Miller", "Davis", "Schulz", "Hoffmann",
)  # fmt: skip
EMAIL_DOMAINS = (
    "gmail.com", "outlook.com", "yahoo.com", "gmx.de", "web.de", "icloud.com", "proton.me",
    "hotmail.com", "orange.fr", "libero.it", "wp.pl", "example.com",
)  # fmt: skip
