"""The question mix the latency and load benchmarks send: answered, defined terms, initiative
questions, an amount, and one the plans do not answer."""

QUESTIONS = [
    "Hva er hovedmålet med planen?",
    "Hva er en deltidsinnbygger?",
    "Hva gjør fylket for at flere skal komme i jobb?",
    "Hvilke tiltak har NAV ansvar for?",
    "Hva er K4?",
    "Hvordan skal eldre lære digitale ferdigheter?",
    "Finnes det fritidstilbud for ungdom?",
    "Når har svømmehallen åpent?",
    "Hva gjøres for boliger i distriktene?",
    "Hva sier planen om frivillighet?",
    "Hvor mye penger er satt av til folkehelsearbeid for barn og unge?",
]
