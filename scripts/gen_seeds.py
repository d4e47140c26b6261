#!/usr/bin/env python3
"""Generate the demo data in seeds/*.json.

    python3 scripts/gen_seeds.py          # rewrite seeds/*.json
    python3 scripts/gen_seeds.py --check  # fail if seeds/*.json differ from the output

The JSON files are the source `coachql seed` loads; this script is how they
are written, so derived values stay consistent: scores from answers,
`capacity_remaining` from registrations, `hours_used` from sessions, point
totals, levels and streaks from transactions and daily activity, ratings from
approved reviews. It also checks ids (unique, valid v4 form) and that every
reference stays inside its row's tenant.

Id scheme: `PPPPPPPP-TTTT-4000-8000-NNNNNNNNNNNN`, where PPPPPPPP names the
table (see PREFIX), TTTT is the tenant (0001 insideout, 0002 northstar, 0000
for the global tables) and NNNNNNNNNNNN counts rows of that table in that
tenant, in decimal digits.

"Now" for the demo is 2026-11-22; the current week runs 2026-11-16 to
2026-11-22.
"""

import json
import math
import re
import sys
from collections import OrderedDict, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# ---------------------------------------------------------------- ids

PREFIX = {
    # identity
    "tenants": "10000000",
    "users": "20000000",
    "organizations": "30000000",
    "user_roles": "31000000",
    # learning
    "courses": "40000000",
    "lessons": "41000000",
    "content_blocks": "42000000",
    "quizzes": "43000000",
    "assessment_attempts": "44000000",
    "enrollments": "45000000",
    "student_progress": "46000000",
    "personalized_roadmaps": "47000000",
    "learning_progress": "48000000",
    # competency
    "framework_assessments": "50000000",
    "assessment_questions": "51000000",
    "user_attempts": "52000000",
    "user_responses": "53000000",
    "skill_tags": "54000000",
    "tag_insights": "55000000",
    "tag_actions": "56000000",
    "competency_display_names": "57000000",
    "competency_leverage_strengths": "58000000",
    "learning_path_categories": "59000000",
    "learning_resources": "5a000000",
    # workshops & commerce
    "adaptability_assessments": "60000000",
    "assessment_answers": "61000000",
    "workshops": "62000000",
    "payments": "63000000",
    "certificates": "64000000",
    "workshop_registrations": "65000000",
    "talent_profiles": "66000000",
    "talent_testimonials": "67000000",
    "engagements": "68000000",
    "engagement_sessions": "69000000",
    "reviews": "6a000000",
    "review_votes": "6b000000",
    # coaching
    "coaches": "70000000",
    "clients": "71000000",
    "coaching_models": "72000000",
    "coach_model_associations": "73000000",
    "data_items": "74000000",
    "data_chunks": "75000000",
    # analytics
    "skills": "80000000",
    "user_skills": "81000000",
    "learner_velocity_analytics": "82000000",
    "user_points": "83000000",
    "point_transactions": "84000000",
    "achievements": "85000000",
    "user_achievements": "86000000",
    "daily_activity": "87000000",
    "predictive_analytics_cache": "88000000",
    "user_preferences": "89000000",
}

FILE_OF = {}
for _t in ["tenants", "users", "organizations", "user_roles"]:
    FILE_OF[_t] = "identity"
for _t in [
    "framework_assessments", "assessment_questions", "user_attempts", "user_responses",
    "skill_tags", "tag_insights", "tag_actions", "competency_display_names",
    "competency_leverage_strengths", "learning_path_categories", "learning_resources",
]:
    FILE_OF[_t] = "competency"
for _t in [
    "courses", "lessons", "content_blocks", "quizzes", "assessment_attempts", "enrollments",
    "student_progress", "personalized_roadmaps", "learning_progress",
]:
    FILE_OF[_t] = "learning"
for _t in [
    "adaptability_assessments", "assessment_answers", "workshops", "payments", "certificates",
    "workshop_registrations", "talent_profiles", "talent_testimonials", "engagements",
    "engagement_sessions", "reviews", "review_votes",
]:
    FILE_OF[_t] = "workshops_commerce"
for _t in ["coaches", "clients", "coaching_models", "coach_model_associations", "data_items", "data_chunks"]:
    FILE_OF[_t] = "coaching"
for _t in [
    "skills", "user_skills", "learner_velocity_analytics", "user_points", "point_transactions",
    "achievements", "user_achievements", "daily_activity", "predictive_analytics_cache",
    "user_preferences",
]:
    FILE_OF[_t] = "analytics"

T1 = "10000000-0000-4000-8000-000000000001"  # insideout
T2 = "10000000-0000-4000-8000-000000000002"  # northstar
TENANT_NO = {T1: 1, T2: 2}

_counters = defaultdict(int)


def new_id(table, tenant=None):
    t = TENANT_NO[tenant] if tenant else 0
    _counters[(table, t)] += 1
    return f"{PREFIX[table]}-{t:04d}-4000-8000-{_counters[(table, t)]:012d}"


def user(nn):
    return f"20000000-0000-4000-8000-{nn:012d}"


TABLES = OrderedDict()  # table -> rows (insertion order of first use)
UPDATES = OrderedDict()  # table -> partial rows


def add(table, tenant=None, **cols):
    """Append a row; returns its id. `id` may be given, otherwise it is minted."""
    row = OrderedDict()
    row["id"] = cols.pop("id", None) or new_id(table, tenant)
    if tenant:
        row["tenant_id"] = tenant
    for k, v in cols.items():
        if v is not None:
            row[k] = v
    TABLES.setdefault(table, []).append(row)
    return row["id"]


def update(table, id_, **cols):
    UPDATES.setdefault(table, []).append(OrderedDict([("id", id_)] + list(cols.items())))


def ts(s):
    """'2026-10-05 09:30' -> '2026-10-05T09:30:00+00:00'."""
    d, t = s.split(" ")
    if len(t) == 5:
        t += ":00"
    return f"{d}T{t}+00:00"


def dec(x, places=2):
    return f"{x:.{places}f}"


def half_up(x, places=0):
    """`x` rounded half away from zero, as SQL's round() and the domain's
    averages do (Python's round() goes to even)."""
    from decimal import Decimal, ROUND_HALF_UP
    q = Decimal(1).scaleb(-places)
    return Decimal(str(x)).quantize(q, rounding=ROUND_HALF_UP)


def mean2(xs):
    """domain::marketplace::average: the mean to 2 places, "0.00" for none."""
    from decimal import Decimal, ROUND_HALF_UP
    if not xs:
        return "0.00"
    m = Decimal(sum(xs)) / Decimal(len(xs))
    return str(m.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def row_of(table, id_):
    for r in TABLES[table]:
        if r["id"] == id_:
            return r
    raise KeyError((table, id_))


# ====================================================================
# identity
# ====================================================================

add("tenants", id=T1, name="InsideOut Leadership", slug="insideout", created_at=ts("2025-06-01 08:00"),
    updated_at=ts("2026-09-01 08:00"), metadata={
    "website": "https://insideout.example.com",
    "active": True,
    "logo_url": "https://cdn.example.com/tenants/insideout/logo.svg",
    "contact_email": "hello@insideout.example",
    "timezone": "America/Los_Angeles",
})
add("tenants", id=T2, name="Northstar Academy", slug="northstar", created_at=ts("2025-08-01 08:00"),
    updated_at=ts("2026-09-01 08:00"), metadata={
    "website": "https://northstar.example.com",
    "active": True,
    "logo_url": "https://cdn.example.com/tenants/northstar/logo.svg",
    "contact_email": "support@northstar.example",
    "timezone": "Europe/Berlin",
})

PREFS_VISUAL = {"preferred_pace": "medium", "preferred_media_types": ["youtube", "rich_text", "image"], "learning_style": "visual"}
PREFS_FAST = {"preferred_pace": "fast", "preferred_media_types": ["rich_text", "file"], "learning_style": "mixed"}
PREFS_SLOW = {"preferred_pace": "slow", "preferred_media_types": ["video", "youtube"], "learning_style": "auditory"}

USERS = [
    # nn, email, first, last, company, metadata, learning_preferences, knowledge_profile
    (1, "admin@coachql.dev", "Alex", "Morgan", "coachql", {"title": "Platform Administrator", "timezone": "UTC"}, {}, {}),
    (2, "ada@insideout.example", "Ada", "Lovelace-Park", "InsideOut Leadership", {"title": "Head of Operations", "timezone": "America/Los_Angeles"}, {}, {}),
    (3, "olga@acme.example", "Olga", "Petrova", "Acme Media", {"title": "VP People & Culture", "timezone": "America/New_York", "phone_verified": True}, {}, {}),
    (4, "ivan@insideout.example", "Ivan", "Novak", "InsideOut Leadership", {"title": "Lead Facilitator", "timezone": "America/Chicago", "bio": "Designs cohort programs on coaching skills and change leadership."}, {}, {}),
    (5, "cora@insideout.example", "Cora", "Bennett", "InsideOut Leadership", {"title": "Executive Coach", "timezone": "America/Los_Angeles"}, {}, {}),
    (6, "eli@insideout.example", "Eli", "Okafor", "InsideOut Leadership", {"title": "Transformation Coach", "timezone": "America/New_York"}, {}, {}),
    (7, "clara@acme.example", "Clara", "Jensen", "Acme Media", {"title": "Director of Product", "timezone": "America/New_York"}, {}, {}),
    (8, "leo@learner.example", "Leo", "Martins", "Acme Media", {"timezone": "Europe/Lisbon", "onboarding_completed": True}, PREFS_VISUAL,
     {"strengths": ["active_listening", "creating_awareness"], "gaps": ["powerful_questions", "designing_actions"], "level": "beginner"}),
    (9, "lina@learner.example", "Lina", "Haddad", "Globex Health", {"timezone": "America/Denver", "onboarding_completed": True}, PREFS_FAST,
     {"strengths": ["powerful_questions"], "gaps": ["active_listening"], "level": "beginner"}),
    (10, "nora@northstar.example", "Nora", "Lindqvist", "Northstar Academy", {"title": "Academy Director", "timezone": "Europe/Stockholm"}, {}, {}),
    (11, "nick@northstar.example", "Nick", "Adeyemi", "Initech", {"timezone": "Europe/London", "onboarding_completed": True}, PREFS_SLOW,
     {"strengths": ["data_literacy"], "gaps": ["stakeholder_communication"], "level": "intermediate"}),
    (12, "priya@insideout.example", "Priya", "Raman", "InsideOut Leadership", {"title": "Leadership Coach", "timezone": "Asia/Kolkata"}, {}, {}),
    (13, "grace@globex.example", "Grace", "Kim", "Globex Health", {"title": "Chief Nursing Officer", "timezone": "America/Chicago"}, PREFS_VISUAL,
     {"strengths": ["designing_actions"], "gaps": ["creating_awareness"], "level": "beginner"}),
    (14, "tomas@northstar.example", "Tomas", "Berg", "Northstar Academy", {"title": "Program Instructor", "timezone": "Europe/Berlin"}, {}, {}),
]
JOINED = {1: "2025-06-01 07:55", 2: "2025-06-01 08:00", 3: "2025-09-15 13:50", 4: "2025-07-01 08:50",
          5: "2025-07-01 09:05", 6: "2025-07-01 09:12", 7: "2025-09-20 09:45", 8: "2025-10-01 11:50",
          9: "2025-11-03 16:20", 10: "2025-08-01 07:55", 11: "2024-09-01 09:50", 12: "2026-02-10 08:45",
          13: "2026-03-02 14:50", 14: "2025-08-15 09:50"}
# Every demo user's password is "coachql-demo" (argon2id), so `login` works
# in GraphiQL; never use these accounts outside a demo.
DEMO_PASSWORD_HASH = "$argon2id$v=19$m=19456,t=2,p=1$jRagHJYE4HpAJkF9GjWitg$lSTLFOO/ERO6A6yZaskFXqJ4j32aSOynxNnEmfbV3JI"
for nn, email, first, last, company, meta, lp, kp in USERS:
    add("users", id=user(nn), email=email, password_hash=DEMO_PASSWORD_HASH,
        full_name=f"{first} {last}", first_name=first, last_name=last,
        avatar_url=f"https://cdn.example.com/avatars/{first.lower()}.png", company_name=company,
        status="active", metadata=meta, learning_preferences=lp, knowledge_profile=kp,
        created_at=ts(JOINED[nn]), updated_at=ts(JOINED[nn]))

ACME = add("organizations", T1, name="Acme Media", slug="acme-media", domain="acme.example", industry="Media",
           company_size="201-500", subscription_tier="growth", subscription_status="active",
           settings={"sso_enabled": False, "default_locale": "en-US", "seat_limit": 50},
           metadata={"size": "mid-market", "active": True, "employee_count": 250,
                     "headquarters": "New York, NY", "website": "https://acme.example"},
           created_at=ts("2025-09-15 13:45"), updated_at=ts("2026-06-01 10:00"))
GLOBEX = add("organizations", T1, name="Globex Health", slug="globex-health", domain="globex.example",
             industry="Healthcare", company_size="5000+", subscription_tier="enterprise",
             subscription_status="active",
             settings={"sso_enabled": True, "default_locale": "en-US", "seat_limit": 500},
             metadata={"size": "enterprise", "active": True, "employee_count": 12000,
                       "headquarters": "Chicago, IL", "website": "https://globex.example"},
             created_at=ts("2026-03-01 12:00"), updated_at=ts("2026-03-01 12:00"))
INITECH = add("organizations", T2, name="Initech", slug="initech", domain="initech.example", industry="Technology",
              company_size="51-200", subscription_tier="starter", subscription_status="trialing",
              settings={"sso_enabled": False, "default_locale": "en-GB", "seat_limit": 15},
              metadata={"size": "startup", "active": True, "employee_count": 120,
                        "headquarters": "Austin, TX", "website": "https://initech.example"},
              created_at=ts("2026-01-10 09:00"), updated_at=ts("2026-01-10 09:00"))

ROLES = [
    # tenant, user, role, org, granted, expires
    (T1, 1, "platform_admin", None, "2025-06-01 08:00", None),
    (T1, 2, "tenant_admin", None, "2025-06-01 08:05", None),
    (T1, 3, "org_admin", ACME, "2025-09-15 14:00", None),
    (T1, 4, "instructor", None, "2025-07-01 09:00", None),
    (T1, 5, "coach", None, "2025-07-01 09:10", None),
    (T1, 6, "coach", None, "2025-07-01 09:15", None),
    (T1, 7, "client", ACME, "2025-09-20 10:00", None),
    (T1, 8, "learner", ACME, "2025-10-01 12:00", None),
    (T1, 9, "learner", GLOBEX, "2025-11-03 16:30", None),
    (T1, 11, "learner", None, "2024-09-01 10:00", "2025-01-01 00:00"),  # expired trial access
    (T1, 12, "coach", None, "2026-02-10 09:00", None),
    (T1, 13, "client", GLOBEX, "2026-03-02 15:00", None),
    (T1, 13, "learner", GLOBEX, "2026-03-02 15:00", None),
    (T2, 1, "platform_admin", None, "2025-06-01 08:00", None),
    (T2, 4, "instructor", None, "2025-08-12 09:00", None),
    (T2, 8, "learner", INITECH, "2026-04-20 11:00", None),
    (T2, 10, "tenant_admin", None, "2025-08-01 08:00", None),
    (T2, 11, "learner", INITECH, "2026-01-12 09:30", None),
    (T2, 14, "instructor", None, "2025-08-15 10:00", None),
]
for tenant, nn, role, org, granted, expires in ROLES:
    add("user_roles", tenant, user_id=user(nn), role=role, organization_id=org, granted_at=ts(granted),
        expires_at=ts(expires) if expires else None, created_at=ts(granted))

# ====================================================================
# competency (seed 000)
# ====================================================================

AREAS = ["active_listening", "powerful_questions", "creating_awareness", "designing_actions"]
AREA_NAMES = {
    "active_listening": "Active Listening",
    "powerful_questions": "Powerful Questions",
    "creating_awareness": "Creating Awareness",
    "designing_actions": "Designing Actions",
}

# (area, question, [a, b, c, d], correct index, explanation, weight)
CORE_I_QUESTIONS = [
    ("active_listening",
     "A client pauses mid-sentence and looks away. What is the most effective coaching response?",
     ["Fill the silence with a reassuring comment",
      "Allow the silence and wait for the client to continue",
      "Ask a new question to keep the momentum going",
      "Summarize what they have said so far"],
     1, "Silence gives the client room to process. Filling it moves the attention back to the coach.", 1.0),
    ("active_listening",
     "Which behavior best shows listening for meaning rather than just words?",
     ["Repeating the client's last sentence word for word",
      "Taking detailed notes on everything said",
      "Reflecting the emotion and values behind what the client shared",
      "Nodding often to show attention"],
     2, "Reflecting feelings and values shows the client you heard what matters to them, not only what they said.", 1.0),
    ("active_listening",
     "While a client describes a conflict, you notice you are already preparing advice. What should you do first?",
     ["Notice the urge, set it aside and return your attention to the client",
      "Share the advice before you forget it",
      "Ask permission to give advice",
      "Write the advice down for later"],
     0, "Self-management comes first: the urge to fix is a signal to return to listening, not a cue to speak.", 1.5),
    ("powerful_questions",
     "Which of these is the most powerful coaching question?",
     ["Why didn't you talk to your manager sooner?",
      "Have you considered delegating this task?",
      "What would make this decision easy for you?",
      "Is the deadline the real problem?"],
     2, "It is open, forward-looking and free of the coach's agenda. The others judge, suggest or lead.", 1.0),
    ("powerful_questions",
     "A question that begins with 'Have you thought about...' is usually:",
     ["A powerful open question",
      "A suggestion disguised as a question",
      "A clarifying question",
      "A reflective statement"],
     1, "It carries the coach's idea inside it. The client is invited to agree, not to think.", 1.0),
    ("powerful_questions",
     "What makes a question 'powerful' in the CORE framework?",
     ["It is long and detailed so nothing is missed",
      "It confirms the coach's hypothesis",
      "It can be answered with yes or no, for clarity",
      "It is short, open and evokes new thinking for the client"],
     3, "Short open questions leave the client room to discover something new; long or closed ones narrow the answer.", 1.5),
    ("creating_awareness",
     "A client keeps saying 'I have no choice.' What is the most useful awareness-building move?",
     ["Agree that the situation is constrained",
      "Name the pattern and ask what believing it might be costing them",
      "List the choices you can see for them",
      "Steer the conversation to something more positive"],
     1, "Naming the pattern, without judging it, lets the client examine an assumption they have not questioned.", 1.0),
    ("creating_awareness",
     "Which statement best describes the coach's role in creating awareness?",
     ["Helping the client see their situation, patterns and assumptions from new angles",
      "Diagnosing the client's problem and explaining it to them",
      "Providing expert knowledge about the client's industry",
      "Making sure the client feels comfortable at all times"],
     0, "Awareness belongs to the client. The coach widens the view and does not diagnose.", 1.0),
    ("creating_awareness",
     "Sharing an observation with a client is most effective when it is:",
     ["Delivered as a firm conclusion",
      "Saved for the end of the program",
      "Wrapped in several compliments",
      "Offered tentatively, without attachment, for the client to explore"],
     3, "An observation offered lightly can be accepted, reshaped or rejected, and the client keeps ownership of the insight.", 1.5),
    ("designing_actions",
     "At the end of a session the client says, 'I'll try to be more strategic.' What is the best next step?",
     ["Accept it and close the session",
      "Ask what being more strategic would look like this week, specifically",
      "Assign three books on strategy",
      "Tell them the goal is too vague"],
     1, "Specific, observable actions in a near time frame turn an intention into something the client can do.", 1.0),
    ("designing_actions",
     "Which element of an action plan most increases follow-through?",
     ["A long list of ambitious goals",
      "Actions the coach designs for the client",
      "A small, concrete first step the client chooses, with a time frame",
      "Avoiding deadlines to reduce pressure"],
     2, "Ownership plus a small first step and a date makes a plan the client is far more likely to carry out.", 1.0),
    ("designing_actions",
     "How should a coach respond when a client did not complete an agreed action?",
     ["Express disappointment to increase accountability",
      "Drop the action and move on",
      "Assign a simpler action",
      "Explore with curiosity what got in the way and what they learned"],
     3, "Accountability without judgment turns a missed action into learning about what really matters to the client.", 1.0),
]

SKILL_TAGS = {
    # area: [(name, weakness insight, strength insight, action)]
    "active_listening": [
        ("Holding silence",
         "You tend to fill pauses quickly, which can cut short the client's thinking before it surfaces.",
         "You are comfortable with silence and let clients reach their own insights in their own time.",
         "In your next three sessions, count to five silently before responding whenever the client stops speaking."),
        ("Reflecting meaning",
         "Your reflections stay close to the client's words and may miss the feelings and values underneath.",
         "You reflect emotions and values accurately, so clients feel deeply understood.",
         "After each session, write down one value you heard the client express and how you could have reflected it back."),
        ("Self-management",
         "Your own ideas and solutions compete for attention while the client is talking.",
         "You notice your urge to fix and set it aside, keeping the focus fully on the client.",
         "Keep a 'parking lot' note during sessions for your own ideas, and review it only after the session ends."),
    ],
    "powerful_questions": [
        ("Open-ended questioning",
         "Many of your questions can be answered with yes or no, which narrows the client's exploration.",
         "Your questions are open and invite the client to explore new territory.",
         "Rewrite five closed questions from your last session as 'what' or 'how' questions."),
        ("Avoiding leading questions",
         "Some of your questions carry a hidden suggestion, steering the client toward your own answer.",
         "Your questions are free of agenda, leaving the client genuinely free to choose.",
         "Before asking, check silently: 'Do I already know the answer I want?' If yes, ask something more open."),
    ],
    "creating_awareness": [
        ("Naming patterns",
         "Recurring themes in the client's stories go unnamed, so the client misses the chance to examine them.",
         "You spot recurring patterns and name them in a way clients can hear.",
         "Track recurring words or themes across two sessions and share one pattern you noticed, with curiosity."),
        ("Sharing observations",
         "Your observations can sound like conclusions, which invites defensiveness rather than reflection.",
         "You offer observations lightly and let the client decide what fits.",
         "Start observations with 'I notice...' and end with 'What do you make of that?'"),
        ("Challenging assumptions",
         "Limiting beliefs the client states as facts often go unquestioned.",
         "You challenge assumptions respectfully, opening up new options for the client.",
         "When a client says 'I can't' or 'I have to', ask what would be possible if that were not true."),
    ],
    "designing_actions": [
        ("Specific next steps",
         "Sessions often end with intentions rather than concrete, time-bound actions.",
         "Your clients leave sessions with clear, specific steps they own.",
         "Close every session by asking: 'What will you do, by when, and how will I know?'"),
        ("Accountability conversations",
         "Missed actions are either skipped over or met with pressure, so the learning is lost.",
         "You follow up on commitments with curiosity, turning misses into learning.",
         "Open your next session by reviewing last session's actions and asking what the client learned from each."),
    ],
}

LEVERAGE = {
    "active_listening": (
        "Your listening is a solid foundation. Use it deliberately: summarize the client's key theme before moving to questions.",
        "Listening is a signature strength. Model it for others: offer to observe a peer's session and give feedback on presence."),
    "powerful_questions": (
        "Your questions already open things up. Build a personal bank of your ten best questions and notice which land hardest.",
        "Your questioning is a standout strength. Experiment with fewer, shorter questions and longer silences after them."),
    "creating_awareness": (
        "You help clients see themselves more clearly. Pair each insight with a question about what it means for their goal.",
        "Creating awareness is a clear strength. Use it to link patterns across sessions into a bigger picture for the client."),
    "designing_actions": (
        "Your clients leave with workable plans. Add a check on confidence: 'How sure are you, from 1 to 10, that you will do this?'",
        "Action design is a real strength. Coach clients to design their own follow-up structure so accountability becomes theirs."),
}

LEARNING_PATHS = [
    ("Deep Listening Practice", "Build the habit of listening for meaning, emotion and what is left unsaid.", "👂",
     ["active_listening", "creating_awareness"], 1, [
         ("Listening Beneath the Surface", "A practical guide to the three levels of listening, with exercises for each.", "book",
          "https://books.example.com/listening-beneath-the-surface", "Dr. Miriam Hale", ["active_listening"]),
         ("The Five-Second Silence Drill", "A 10-minute daily drill to get comfortable with pauses in conversation.", "exercise",
          "https://learn.example.com/exercises/five-second-silence", "InsideOut Faculty", ["active_listening"]),
         ("Levels of Listening in Action", "Annotated demo session showing level 1, 2 and 3 listening side by side.", "video",
          "https://video.example.com/watch/levels-of-listening", "Ivan Novak", ["active_listening", "creating_awareness"]),
     ]),
    ("The Art of Questioning", "Move from closed and leading questions to short, open questions that spark new thinking.", "❓",
     ["powerful_questions", "creating_awareness"], 2, [
         ("Question Craft: From Closed to Curious", "A four-week self-paced course on designing powerful coaching questions.", "course",
          "https://learn.example.com/courses/question-craft", "InsideOut Faculty", ["powerful_questions"]),
         ("Ten Questions That Open Possibility", "Short article with ten field-tested questions and when to use them.", "article",
          "https://blog.example.com/ten-questions-that-open-possibility", "Cora Bennett", ["powerful_questions", "creating_awareness"]),
         ("Question Bank Builder", "A template for building and rating your own bank of coaching questions.", "tool",
          "https://tools.example.com/question-bank-builder", None, ["powerful_questions"]),
     ]),
    ("From Insight to Action", "Turn session insights into concrete commitments and accountability that feels supportive.", "🎯",
     ["designing_actions"], 3, [
         ("Accountability Without Pressure", "Live 90-minute workshop with role-play on follow-up conversations.", "workshop",
          "https://events.example.com/accountability-without-pressure", "Eli Okafor", ["designing_actions"]),
         ("Action Planning Self-Check", "A 12-item self-assessment of how you close sessions and follow up.", "assessment",
          "https://learn.example.com/assessments/action-planning-self-check", "InsideOut Faculty", ["designing_actions"]),
     ]),
    ("Coaching Presence Foundations", "Stay grounded, curious and client-led when the conversation gets hard.", "🧭",
     ["active_listening", "powerful_questions", "designing_actions"], 4, [
         ("Managing the Urge to Fix", "Why coaches jump to solutions, and three ways to catch yourself in the moment.", "article",
          "https://blog.example.com/managing-the-urge-to-fix", "Priya Raman", ["active_listening"]),
         ("Presence Under Pressure", "Short video on staying client-led when a client pushes for answers.", "video",
          "https://video.example.com/watch/presence-under-pressure", "Cora Bennett", ["active_listening", "powerful_questions"]),
     ]),
]


def add_framework(tenant, questions, created):
    fa = add("framework_assessments", tenant, slug="core-fundamentals-i", title="CORE I - Fundamentals",
             description="Foundational coaching competencies: listening, questioning, awareness and action design. "
                         "Twelve scenario-based questions with explanations." if len(questions) > 4 else
                         "Foundational coaching competencies in four short scenario questions.",
             difficulty="Beginner", estimated_duration=20 if len(questions) > 4 else 8, framework="core",
             is_active=True, created_at=ts(created), updated_at=ts(created))
    qids = []
    for i, (area, q, opts, correct, expl, weight) in enumerate(questions, 1):
        qids.append(add("assessment_questions", tenant, assessment_id=fa, question_order=i, question=q,
                        option_a=opts[0], option_b=opts[1], option_c=opts[2], option_d=opts[3],
                        correct_answer=correct, explanation=expl, competency_area=area,
                        difficulty_weight=dec(weight, 3), assessment_level="core-i", created_at=ts(created)))
    for area in AREAS:
        add("competency_display_names", tenant, competency_key=area, display_name=AREA_NAMES[area],
            framework="core", is_active=True, created_at=ts(created))
    return fa, qids


def add_attempt(tenant, user_nn, fa, qids, questions, selected, completed, time_spent, insights=None):
    correct = [sel == q[3] for sel, q in zip(selected, questions)]
    score = int(half_up(100 * sum(correct) / len(questions)))
    start_h, start_m = map(int, completed.split(" ")[1].split(":"))
    attempt = add("user_attempts", tenant, user_id=user(user_nn), assessment_id=fa, score=score,
                  time_spent=time_spent, completed_at=ts(completed), created_at=ts(completed))
    per_q = time_spent // len(questions)
    for i, (qid, sel, ok) in enumerate(zip(qids, selected, correct)):
        add("user_responses", tenant, attempt_id=attempt, question_id=qid, selected_answer=sel,
            is_correct=ok, response_time=per_q + (i * 7) % 23 - 11, created_at=ts(completed))
    breakdown = {}
    for area in AREAS:
        idx = [i for i, q in enumerate(questions) if q[0] == area]
        c = sum(correct[i] for i in idx)
        breakdown[area] = {"correct": c, "total": len(idx), "percentage": int(half_up(100 * c / len(idx)))}
    return attempt, score, breakdown


# --- insideout: the full CORE I assessment
CORE_I, CORE_I_Q = add_framework(T1, CORE_I_QUESTIONS, "2025-06-15 10:00")

TAG_IDS = {}
for area in AREAS:
    for order, (name, weak, strong, action) in enumerate(SKILL_TAGS[area], 1):
        tag = add("skill_tags", T1, name=name, competency_area=area, framework="core", sort_order=order,
                  assessment_level="core-i", is_active=True, created_at=ts("2025-06-15 10:00"))
        TAG_IDS[name] = (tag, area, weak, strong, action)
        add("tag_insights", T1, skill_tag_id=tag, insight_text=weak, insight_type="weakness",
            context_level="beginner", created_at=ts("2025-06-15 10:00"))
        add("tag_insights", T1, skill_tag_id=tag, insight_text=strong, insight_type="strength",
            context_level="beginner", created_at=ts("2025-06-15 10:00"))
for name, (tag, area, weak, strong, action) in TAG_IDS.items():
    add("tag_actions", T1, skill_tag_id=tag, action_text=action, is_active=True, created_at=ts("2025-06-15 10:00"))

for prio, area in enumerate(AREAS, 1):
    mid, high = LEVERAGE[area]
    add("competency_leverage_strengths", T1, competency_area=area, leverage_text=mid, score_range_min=70,
        score_range_max=84, framework="core", context_level="beginner", priority_order=prio * 2,
        is_active=True, created_at=ts("2025-06-15 10:00"))
    add("competency_leverage_strengths", T1, competency_area=area, leverage_text=high, score_range_min=85,
        score_range_max=100, framework="core", context_level="beginner", priority_order=prio * 2 - 1,
        is_active=True, created_at=ts("2025-06-15 10:00"))

PATH_IDS = {}
for title, desc, icon, areas, prio, resources in LEARNING_PATHS:
    cat = add("learning_path_categories", T1, category_title=title, category_description=desc,
              category_icon=icon, competency_areas=areas, assessment_level="core-i", priority_order=prio,
              is_active=True, created_at=ts("2025-06-20 09:00"))
    PATH_IDS[title] = (cat, areas)
    for rtitle, rdesc, rtype, url, author, rareas in resources:
        add("learning_resources", T1, category_id=cat, title=rtitle, description=rdesc, resource_type=rtype,
            url=url, author_instructor=author, competency_areas=rareas, assessment_level="core-i",
            is_active=True, created_at=ts("2025-06-20 09:00"))

CORRECT = [q[3] for q in CORE_I_QUESTIONS]


def answers_with_misses(misses):
    """Selected answers: the correct one except at the given 1-based question numbers."""
    out = []
    for i, c in enumerate(CORRECT, 1):
        out.append((c + 1) % 4 if i in misses else c)
    return out


# Leo, first try: 6 of 12.
add_attempt(T1, 8, CORE_I, CORE_I_Q, CORE_I_QUESTIONS, answers_with_misses({2, 4, 5, 6, 10, 11}),
            "2026-09-08 18:40", 1260)
# Leo, second try: 9 of 12, with insights stored by the frontend.
leo_sel = answers_with_misses({5, 6, 11})
leo_attempt, leo_score, leo_breakdown = add_attempt(T1, 8, CORE_I, CORE_I_Q, CORE_I_QUESTIONS, leo_sel,
                                                     "2026-10-14 19:05", 1010)
# The frontend caches what frameworkAssessmentResult answered for the attempt (a
# subset of its fields), so the cache is exactly what the domain computes
# (domain::competency: weak below 60, strong from 80; tags, insights, actions and
# leverage strengths of the assessment's level and context; learning paths by
# priority, then title, resources by type, then title). tests/demo_fixed_point.rs
# asks the query again and requires the same answer.
WEAK_BELOW, STRONG_FROM = 60, 80


def framework_result(score, breakdown):
    order = []
    for q in CORE_I_QUESTIONS:
        if q[0] not in order:
            order.append(q[0])
    rows = [{"competencyArea": a, "displayName": AREA_NAMES[a], "correct": breakdown[a]["correct"],
             "total": breakdown[a]["total"], "score": breakdown[a]["percentage"]} for a in order]
    weak = [r["competencyArea"] for r in rows if r["score"] < WEAK_BELOW]
    strong = [r["competencyArea"] for r in rows if r["score"] >= STRONG_FROM]
    tags = sorted(((order.index(a), i, n, a, w, st, act)
                   for a in weak + strong for i, (n, w, st, act) in enumerate(SKILL_TAGS[a], 1)))
    tag = lambda n, a, text: {"skillTag": n, "competencyArea": a, "text": text}
    leverage = []
    for prio, area in sorted([(p * 2 - 1, a) for p, a in enumerate(AREAS, 1)] +
                             [(p * 2, a) for p, a in enumerate(AREAS, 1)]):
        low, high = (85, 100) if prio % 2 else (70, 84)
        sc = breakdown[area]["percentage"]
        if low <= sc <= high:
            mid, top = LEVERAGE[area]
            leverage.append({"competencyArea": area, "score": sc, "text": top if prio % 2 else mid})
    paths = []
    for title, desc, icon, areas, prio, resources in sorted(LEARNING_PATHS, key=lambda p: (p[4], p[0])):
        if set(areas) & set(weak):
            paths.append({"categoryTitle": title,
                          "resources": [{"title": r[0], "resourceType": r[2]}
                                        for r in sorted(resources, key=lambda r: (r[2], r[0]))]})
    return {
        "score": score,
        "breakdown": rows,
        "weakAreas": weak,
        "strongAreas": strong,
        "insights": {
            "weaknesses": [tag(n, a, w) for _, _, n, a, w, st, act in tags if a in weak],
            "strengths": [tag(n, a, st) for _, _, n, a, w, st, act in tags if a in strong],
            "actions": [tag(n, a, act) for _, _, n, a, w, st, act in tags if a in weak],
            "leverage": leverage,
        },
        "learningPaths": paths,
    }


insights = {"version": 3, "result": framework_result(leo_score, leo_breakdown)}
row_of("user_attempts", leo_attempt)["frontend_insights"] = insights
row_of("user_attempts", leo_attempt)["insights_generated_at"] = ts("2026-10-14 19:05:12")
# Lina: 9 of 12, different gaps.
add_attempt(T1, 9, CORE_I, CORE_I_Q, CORE_I_QUESTIONS, answers_with_misses({1, 3, 10}), "2026-11-04 12:20", 1135)


# --- in-progress attempts: started, not yet submitted (`completed_at` NULL, score 0), so
# docs/API.md can demonstrate submitFrameworkAssessmentAttempt on a known id.
def add_in_progress_attempts():
    for tenant, user_nn, fa, started in [(T1, 13, CORE_I, "2026-11-21 17:30")]:
        attempt = add("user_attempts", tenant, user_id=user(user_nn), assessment_id=fa, score=0,
                      created_at=ts(started))
        row_of("user_attempts", attempt)["completed_at"] = None


add_in_progress_attempts()

# --- northstar: a short version of the same assessment (same slug, its own tenant)
NS_QUESTIONS = [CORE_I_QUESTIONS[i] for i in (0, 3, 6, 9)]
NS_CORE, NS_CORE_Q = add_framework(T2, NS_QUESTIONS, "2026-01-05 09:00")
add_attempt(T2, 11, NS_CORE, NS_CORE_Q, NS_QUESTIONS, [1, 2, 1, 0], "2026-11-10 08:15", 420)

# ====================================================================
# learning (seed 003 + 004 courses/enrollments)
# ====================================================================

CDN = "https://cdn.example.com/coachql"


def rich(html, plain):
    return "rich_text", {"html": html, "plain_text": plain}


def image(path, alt, caption):
    return "image", {"url": f"{CDN}/images/{path}", "alt_text": alt, "caption": caption}


def video(path, duration):
    stem = path.rsplit(".", 1)[0]
    return "video", {"url": f"{CDN}/videos/{path}", "thumbnail_url": f"{CDN}/thumbnails/{stem}.jpg",
                     "duration": duration}


def file_(name, size):
    return "file", {"url": f"{CDN}/files/{name}", "filename": name, "file_type": "application/pdf",
                    "file_size": size}


def youtube(vid, title, duration):
    return "youtube", {"video_id": vid, "title": title,
                       "thumbnail_url": f"https://img.youtube.com/vi/{vid}/hqdefault.jpg", "duration": duration}


def mc(qid, question, options, correct, points=10):
    return {"id": qid, "type": "multiple_choice", "question": question, "options": options,
            "correct_answer": correct, "points": points}


def tf(qid, question, correct, points=5):
    return {"id": qid, "type": "true_false", "question": question, "options": ["true", "false"],
            "correct_answer": correct, "points": points}


def sa(qid, question, correct, points=10):
    return {"id": qid, "type": "short_answer", "question": question, "options": [],
            "correct_answer": correct, "points": points}


# Each course: tenant, key, title, description, instructor, org, tags, difficulty, published, created,
# lessons: (key, title, description, objectives, minutes, prereq keys, blocks, quiz or None),
# final quiz.
COURSES = [
    dict(tenant=T1, key="fcc", title="Foundations of Coaching Conversations",
         description="The core moves of a coaching conversation: listening for meaning, asking open questions "
                     "and closing with commitments the client owns.",
         instructor=4, org=None, tags=["coaching", "listening", "questions", "core-i"], difficulty="beginner",
         published=True, created="2026-03-02 09:00",
         lessons=[
             ("fcc1", "Listening Beyond Words",
              "Three levels of listening and how to move from your own agenda to the client's.",
              ["Distinguish internal, focused and global listening",
               "Use silence deliberately",
               "Reflect emotion and values, not only content"], 40, [],
              [rich("<h2>Three levels of listening</h2><p>At <strong>level 1</strong> we listen to our own thoughts. "
                    "At <strong>level 2</strong> our attention is fully on the client. At <strong>level 3</strong> "
                    "we also take in tone, energy and what is not said.</p>",
                    "Three levels of listening. At level 1 we listen to our own thoughts. At level 2 our attention "
                    "is fully on the client. At level 3 we also take in tone, energy and what is not said."),
               youtube("cQlLstn0001", "Levels of Listening: a live demo", 512),
               image("listening-levels.png", "Diagram of three concentric circles labelled level 1, 2 and 3",
                     "The three levels of listening")],
              ("Listening check", 70, 3, 10, [
                  mc("q1", "At which level of listening is the coach mostly attending to their own thoughts?",
                     ["Level 1", "Level 2", "Level 3", "None of these"], "Level 1"),
                  tf("q2", "Silence in a session usually means the coach has lost control of the conversation.", "false"),
                  mc("q3", "Which reflection goes beyond the client's words?",
                     ["So you had a meeting on Tuesday.", "It sounds like being left out of that decision really stung.",
                      "Tell me more about the meeting.", "What time was the meeting?"],
                     "It sounds like being left out of that decision really stung."),
              ])),
             ("fcc2", "Asking Questions That Open Possibility",
              "Replacing closed and leading questions with short, open ones.",
              ["Spot closed and leading questions", "Rewrite questions as 'what' and 'how'",
               "Keep questions short"], 45, ["fcc1"],
              [rich("<h2>Open beats clever</h2><p>The most useful coaching questions are short and open. "
                    "<em>What do you want?</em> often does more than a paragraph-long question.</p>"
                    "<ul><li>Start with what or how</li><li>Ask one question at a time</li>"
                    "<li>Leave your answer out of it</li></ul>",
                    "Open beats clever. The most useful coaching questions are short and open. What do you want? "
                    "often does more than a paragraph-long question. Start with what or how. Ask one question at "
                    "a time. Leave your answer out of it."),
               video("questions-roleplay.mp4", 734),
               file_("question-rewrite-worksheet.pdf", 248133)],
              ("Question craft quiz", 70, 3, 10, [
                  mc("q1", "Which question is open and free of the coach's agenda?",
                     ["Have you tried delegating?", "Why did you wait so long?", "What matters most to you here?",
                      "Isn't the real problem your boss?"], "What matters most to you here?"),
                  tf("q2", "A question that starts with 'Have you thought about...' is usually a suggestion.", "true"),
                  sa("q3", "Which single word do many powerful questions start with? (hint: not 'why')", "what"),
              ])),
             ("fcc3", "Turning Insight into Action",
              "Closing sessions with specific, time-bound commitments the client owns.",
              ["Turn intentions into observable actions", "Agree on time frames",
               "Follow up with curiosity, not pressure"], 35, ["fcc1", "fcc2"],
              [rich("<h2>From 'I should' to 'I will'</h2><p>An action is ready when the client can answer: "
                    "<strong>what</strong> exactly, <strong>by when</strong>, and <strong>how will we know</strong>?</p>",
                    "From 'I should' to 'I will'. An action is ready when the client can answer: what exactly, by "
                    "when, and how will we know?"),
               image("action-ladder.png", "A ladder with rungs labelled intention, option, step and commitment",
                     "The action ladder")],
              ("Action design quiz", 70, 3, 10, [
                  mc("q1", "Which commitment is most likely to be carried out?",
                     ["Be more strategic", "Block 30 minutes on Friday to draft Q1 priorities and share them Monday",
                      "Read more about strategy", "Think about priorities"],
                     "Block 30 minutes on Friday to draft Q1 priorities and share them Monday"),
                  tf("q2", "The coach should design the client's action plan to save time.", "false"),
              ])),
         ],
         final=("Coaching Conversations final assessment", 75, 2, 20, [
             mc("q1", "What is the main purpose of holding silence?",
                ["To end the session", "To give the client space to think", "To show authority", "To take notes"],
                "To give the client space to think"),
             mc("q2", "Which is a leading question?",
                ["What do you want?", "How will you know you succeeded?", "Don't you think you should quit?",
                 "What else?"], "Don't you think you should quit?"),
             tf("q3", "A good action has a clear time frame.", "true"),
             sa("q4", "Name the level of listening where you also notice tone and energy (give the number).", "3"),
         ])),
    dict(tenant=T1, key="ltc", title="Leading Through Change",
         description="A practical program for managers guiding teams through reorganizations and AI adoption: "
                     "why change stalls, who it affects and how new habits stick.",
         instructor=4, org=ACME, tags=["change", "leadership", "adaptability"], difficulty="intermediate",
         published=True, created="2026-05-11 09:00",
         lessons=[
             ("ltc1", "Why Change Stalls",
              "The usual suspects: unclear purpose, unspoken fears and change fatigue.",
              ["Name three common causes of stalled change", "Recognize change fatigue in a team"], 30, [],
              [rich("<h2>Change rarely fails on the plan</h2><p>It fails on the people side: purpose that was "
                    "never made personal, fears that stay unspoken, and too many initiatives at once.</p>",
                    "Change rarely fails on the plan. It fails on the people side: purpose that was never made "
                    "personal, fears that stay unspoken, and too many initiatives at once."),
               youtube("cQlChng0002", "Why change stalls (and what to do about it)", 648)],
              ("Change basics check", 70, 3, 10, [
                  mc("q1", "Which is a common reason change initiatives stall?",
                     ["Too much communication", "Unspoken fears in the team", "Clear ownership",
                      "Small pilot projects"], "Unspoken fears in the team"),
                  tf("q2", "Change fatigue comes from running many initiatives at once.", "true"),
              ])),
             ("ltc2", "Mapping Stakeholders",
              "Who gains, who loses and who decides: a simple map before you communicate.",
              ["Build an influence/impact map", "Plan conversations by stakeholder"], 40, ["ltc1"],
              [rich("<h2>Map before you message</h2><p>Place each stakeholder on two axes: how much the change "
                    "affects them and how much influence they have on its success.</p>",
                    "Map before you message. Place each stakeholder on two axes: how much the change affects them "
                    "and how much influence they have on its success."),
               image("stakeholder-grid.png", "A two-by-two grid with impact on one axis and influence on the other",
                     "Influence/impact grid"),
               file_("stakeholder-map-template.pdf", 182904)],
              ("Stakeholder mapping quiz", 70, 3, 15, [
                  mc("q1", "The two axes of the stakeholder grid are:",
                     ["Cost and time", "Impact and influence", "Age and tenure", "Skill and will"],
                     "Impact and influence"),
                  sa("q2", "Stakeholders with high influence and high impact should be ... closely (one word).",
                     "managed"),
              ])),
             ("ltc3", "Embedding New Habits",
              "Small rituals, visible progress and the leader's own behavior.",
              ["Design a team ritual that reinforces the change", "Measure adoption, not just rollout"], 35,
              ["ltc2"],
              [rich("<h2>Habits beat announcements</h2><p>A weekly 15-minute 'what did we try' stand-up does more "
                    "for adoption than a launch email.</p>",
                    "Habits beat announcements. A weekly 15-minute 'what did we try' stand-up does more for "
                    "adoption than a launch email."),
               video("habit-loops.mp4", 421)],
              None),
         ],
         final=("Leading Through Change final assessment", 70, 3, 25, [
             mc("q1", "Which metric best shows a change has been embedded?",
                ["Number of launch emails sent", "Share of the team using the new process weekly",
                 "Size of the project budget", "Number of slides in the deck"],
                "Share of the team using the new process weekly"),
             tf("q2", "Stakeholder mapping should happen after the announcement.", "false"),
             mc("q3", "Change fatigue is best reduced by:",
                ["Adding more initiatives", "Sequencing and stopping lower-value initiatives",
                 "Longer meetings", "Skipping communication"],
                "Sequencing and stopping lower-value initiatives"),
         ])),
    dict(tenant=T1, key="afl", title="Advanced Feedback Lab",
         description="Draft: a rehearsal-based lab for delivering and receiving difficult feedback.",
         instructor=4, org=None, tags=["feedback", "communication", "advanced"], difficulty="advanced",
         published=False, created="2026-10-28 14:00",
         lessons=[
             ("afl1", "Feedback as Data",
              "Treating feedback as information to examine, not a verdict.",
              ["Separate observation from interpretation", "Ask for specific examples"], 30, [],
              [rich("<h2>Observation, interpretation, impact</h2><p>Good feedback keeps the three apart.</p>",
                    "Observation, interpretation, impact. Good feedback keeps the three apart.")],
              None),
             ("afl2", "Difficult Conversations Rehearsal",
              "Practising a hard conversation with a partner before having it for real.",
              ["Script an opening line", "Stay curious when the other person reacts"], 50, ["afl1"],
              [youtube("cQlFdbk0003", "Rehearsing a difficult conversation", 903),
               file_("rehearsal-guide.pdf", 96512)],
              None),
         ],
         final=("Feedback Lab final reflection", 60, None, None, [
             sa("q1", "What are the three parts good feedback keeps apart? (comma-separated)",
                "observation, interpretation, impact", 20),
             tf("q2", "Rehearsing a conversation makes it sound scripted and should be avoided.", "false", 10),
         ])),
    dict(tenant=T2, key="dlm", title="Data Literacy for Managers",
         description="Read dashboards critically, ask better questions of data and tell a clear story with numbers.",
         instructor=4, org=None, tags=["data", "analytics", "management"], difficulty="intermediate",
         published=True, created="2026-02-16 09:00",
         lessons=[
             ("dlm1", "Reading a Dashboard Critically",
              "Averages, baselines and the questions to ask before you trust a chart.",
              ["Check the baseline and time window", "Spot misleading axes"], 35, [],
              [rich("<h2>Before you trust a chart</h2><p>Ask: compared to what, over which period, and who is "
                    "missing from the data?</p>",
                    "Before you trust a chart. Ask: compared to what, over which period, and who is missing from "
                    "the data?"),
               image("truncated-axis.png", "Two bar charts of the same data, one with a truncated y axis",
                     "Same data, different story")],
              ("Dashboard reading check", 70, 3, 10, [
                  mc("q1", "A bar chart whose y axis starts at 95 instead of 0 will:",
                     ["Exaggerate differences", "Hide differences", "Show the true scale", "Change the data"],
                     "Exaggerate differences"),
                  tf("q2", "An average always describes the typical case well.", "false"),
                  sa("q3", "Which word completes: 'compared to ...?' (the reference point you measure against)",
                     "baseline"),
              ])),
             ("dlm2", "Asking Better Questions of Data",
              "From 'what happened' to 'why' and 'what next'.",
              ["Frame a decision before pulling data", "Separate correlation from cause"], 40, ["dlm1"],
              [youtube("cQlData0004", "Correlation is not causation, in five minutes", 318),
               video("decision-first.mp4", 540)],
              None),
             ("dlm3", "Communicating with Numbers",
              "One message per chart, and the sentence that goes with it.",
              ["Write a headline for each chart", "Choose the right chart for the message"], 30, ["dlm1", "dlm2"],
              [rich("<h2>One chart, one message</h2><p>Write the headline first, then pick the chart that proves "
                    "it.</p>", "One chart, one message. Write the headline first, then pick the chart that proves it."),
               file_("chart-chooser.pdf", 133120)],
              None),
         ],
         final=("Data Literacy final assessment", 70, 3, 20, [
             mc("q1", "Which chart best shows change over time?",
                ["Pie chart", "Line chart", "Scatter plot", "Table"], "Line chart"),
             tf("q2", "Two metrics moving together proves one causes the other.", "false"),
             mc("q3", "A good chart headline states:",
                ["The data source", "The message", "The chart type", "The author"], "The message"),
         ])),
    dict(tenant=T2, key="rep", title="Running Effective Projects",
         description="Scope, rhythm and retrospectives for small cross-functional teams.",
         instructor=14, org=INITECH, tags=["projects", "delivery", "teams"], difficulty="beginner",
         published=True, created="2026-06-01 09:00",
         lessons=[
             ("rep1", "Scoping and Success Criteria",
              "Agree what done looks like before you start.",
              ["Write success criteria", "Cut scope deliberately"], 30, [],
              [rich("<h2>Define done first</h2><p>A project without success criteria cannot finish; it can only "
                    "stop.</p>", "Define done first. A project without success criteria cannot finish; it can only stop."),
               image("scope-triangle.png", "Triangle with scope, time and cost at the corners",
                     "The scope triangle")],
              None),
             ("rep2", "Rhythms and Retrospectives",
              "Weekly check-ins and blameless retros that actually change something.",
              ["Run a 30-minute retrospective", "Turn retro findings into one experiment"], 30, ["rep1"],
              [youtube("cQlRetr0005", "A blameless retrospective, start to finish", 1104)],
              None),
         ],
         final=("Project fundamentals check", 70, 2, 15, [
             mc("q1", "Success criteria should be agreed:",
                ["After delivery", "Before work starts", "Only by the sponsor", "Never"], "Before work starts"),
             tf("q2", "A retrospective should end with at least one concrete experiment.", "true"),
         ])),
]

COURSE = {}   # key -> id
LESSON = {}   # key -> id
QUIZ = {}     # lesson key or course key -> id
QUIZ_DEF = {}  # quiz id -> (questions, min pass)
BLOCKS = {}   # lesson key -> [block ids]
LESSONS_OF = {}  # course key -> [lesson keys]
TENANT_OF = {}


def add_quiz(tenant, title, spec, created, lesson_id=None, course_id=None, source=None):
    qtitle, min_pass, max_attempts, time_limit, questions = spec
    q = add("quizzes", tenant, lesson_id=lesson_id, course_id=course_id, title=qtitle,
            description=f"{len(questions)} questions on {title.lower()}.", questions=questions,
            ai_generated=bool(source), source_content_ids=source or [], is_mandatory=True,
            minimum_passing_score=min_pass, max_attempts=max_attempts, time_limit=time_limit,
            created_at=ts(created), updated_at=ts(created))
    QUIZ_DEF[q] = (questions, min_pass)
    return q


for c in COURSES:
    t = c["tenant"]
    total_minutes = sum(l[4] for l in c["lessons"])
    cid = add("courses", t, title=c["title"], description=c["description"], instructor_id=user(c["instructor"]),
              organization_id=c["org"], tags=c["tags"], difficulty_level=c["difficulty"],
              estimated_duration=total_minutes, is_published=c["published"], created_at=ts(c["created"]),
              updated_at=ts(c["created"]))
    COURSE[c["key"]] = cid
    TENANT_OF[c["key"]] = t
    LESSONS_OF[c["key"]] = []
    for order, (lkey, ltitle, ldesc, objectives, minutes, prereqs, blocks, quiz) in enumerate(c["lessons"], 1):
        lid = add("lessons", t, course_id=cid, title=ltitle, description=ldesc, order_index=order,
                  learning_objectives=objectives, estimated_duration=minutes,
                  prerequisites=[LESSON[p] for p in prereqs], is_published=c["published"],
                  created_at=ts(c["created"]), updated_at=ts(c["created"]))
        LESSON[lkey] = lid
        LESSONS_OF[c["key"]].append(lkey)
        BLOCKS[lkey] = []
        for bo, (btype, content) in enumerate(blocks, 1):
            meta = {"estimated_minutes": max(2, minutes // len(blocks))}
            if btype in ("video", "youtube"):
                meta["captions"] = True
            if btype == "file":
                meta["downloadable"] = True
            BLOCKS[lkey].append(add("content_blocks", t, lesson_id=lid, type=btype, content=content,
                                    order_index=bo, metadata=meta, created_at=ts(c["created"]),
                                    updated_at=ts(c["created"])))
        if quiz:
            qid = add_quiz(t, ltitle, quiz, c["created"], lesson_id=lid,
                           source=BLOCKS[lkey] if order % 2 == 0 else None)
            QUIZ[lkey] = qid
            update("lessons", lid, assessment_id=qid)
    fq = add_quiz(t, c["title"], c["final"], c["created"], course_id=cid)
    QUIZ[c["key"]] = fq
    update("courses", cid, final_assessment_id=fq)


# --- attempts: graded from the quiz definitions
ATTEMPTS = defaultdict(list)  # (student, quiz) -> [score]


def grade(quiz_id, answers):
    questions, min_pass = QUIZ_DEF[quiz_id]
    total = sum(q["points"] for q in questions)
    earned = sum(q["points"] for q in questions
                 if str(answers.get(q["id"], "")).strip().lower() == str(q["correct_answer"]).strip().lower())
    score = round(100 * earned / total)
    return earned, total, score, score >= min_pass


def attempt(tenant, student, qkey, answers, started, minutes, seconds=0):
    qid = QUIZ[qkey]
    earned, total, score, passed = grade(qid, answers)
    n = len(ATTEMPTS[(student, qid)]) + 1
    questions, _ = QUIZ_DEF[qid]
    feedback = {
        "summary": "Passed - well done." if passed else "Not passed yet. Review the lesson and try again.",
        "per_question": {
            q["id"]: ("correct" if str(answers.get(q["id"], "")).strip().lower()
                      == str(q["correct_answer"]).strip().lower() else "incorrect")
            for q in questions
        },
    }
    h, m = map(int, started.split(" ")[1].split(":"))
    end_m = h * 60 + m + minutes
    submitted = f"{started.split(' ')[0]} {end_m // 60:02d}:{end_m % 60:02d}:{seconds:02d}"
    add("assessment_attempts", tenant, assessment_id=qid, student_id=user(student), attempt_number=n,
        answers=answers, score=score, points_earned=earned, total_points=total, passed=passed,
        time_spent=minutes * 60 + seconds, started_at=ts(started), submitted_at=ts(submitted), feedback=feedback)
    ATTEMPTS[(student, qid)].append(score)
    return score, passed


def right(qkey, wrong=()):
    """Answers to a quiz: correct except for the given question ids."""
    out = {}
    for q in QUIZ_DEF[QUIZ[qkey]][0]:
        if q["id"] in wrong:
            if q["type"] == "multiple_choice":
                out[q["id"]] = next(o for o in q["options"] if o != q["correct_answer"])
            elif q["type"] == "true_false":
                out[q["id"]] = "true" if q["correct_answer"] == "false" else "false"
            else:
                out[q["id"]] = "not sure"
        else:
            out[q["id"]] = q["correct_answer"]
    return out


# Leo (08) in insideout: completed Foundations, started Leading Through Change.
attempt(T1, 8, "fcc1", right("fcc1", {"q2", "q3"}), "2026-09-21 19:00", 6)
attempt(T1, 8, "fcc1", right("fcc1"), "2026-09-22 18:30", 4, 40)
attempt(T1, 8, "fcc2", right("fcc2", {"q2"}), "2026-10-02 20:10", 7, 15)
attempt(T1, 8, "fcc3", right("fcc3"), "2026-10-12 07:45", 3, 5)
attempt(T1, 8, "fcc", right("fcc"), "2026-10-13 19:30", 12, 30)
attempt(T1, 8, "ltc1", right("ltc1"), "2026-11-17 18:00", 5)
attempt(T1, 8, "ltc2", right("ltc2", {"q2"}), "2026-11-19 18:20", 9, 10)
# Lina (09): two lessons of Foundations, one failed try on lesson 2.
attempt(T1, 9, "fcc1", right("fcc1", {"q2"}), "2026-11-09 12:00", 5, 30)
attempt(T1, 9, "fcc2", right("fcc2", {"q1", "q3"}), "2026-11-18 12:15", 8)
# Grace (13): first lesson of Leading Through Change.
attempt(T1, 13, "ltc1", right("ltc1"), "2026-11-20 21:00", 4, 20)
# Northstar: Nick (11) and Leo (08).
attempt(T2, 11, "dlm1", right("dlm1", {"q3"}), "2026-11-03 08:00", 7)
attempt(T2, 11, "dlm1", right("dlm1"), "2026-11-05 08:10", 5, 45)
attempt(T2, 11, "rep", right("rep"), "2026-11-16 17:00", 6)
attempt(T2, 8, "dlm1", right("dlm1", {"q1", "q2"}), "2026-11-21 10:30", 6, 20)

# --- enrollments: (tenant, student, course, enrolled, completed lessons, current lesson, completed_at)
ENROLL = [
    (T1, 8, "fcc", "2026-09-20 17:00", ["fcc1", "fcc2", "fcc3"], None, "2026-10-13 19:43"),
    (T1, 8, "ltc", "2026-11-15 09:00", ["ltc1"], "ltc2", None),
    (T1, 9, "fcc", "2026-11-08 11:00", ["fcc1"], "fcc2", None),
    (T1, 9, "afl", "2026-11-02 10:00", [], "afl1", None),  # beta tester of the unpublished draft
    (T1, 13, "ltc", "2026-11-20 20:30", ["ltc1"], "ltc2", None),
    (T2, 11, "dlm", "2026-11-02 07:30", ["dlm1"], "dlm2", None),
    (T2, 11, "rep", "2026-11-10 16:00", ["rep1", "rep2"], None, "2026-11-16 17:06"),
    (T2, 8, "dlm", "2026-11-20 10:00", [], "dlm1", None),
]
for tenant, student, ck, enrolled, done, current, completed in ENROLL:
    lessons = LESSONS_OF[ck]
    pct = 100 * len(done) / len(lessons)
    add("enrollments", tenant, student_id=user(student), course_id=COURSE[ck], enrolled_at=ts(enrolled),
        completed_at=ts(completed) if completed else None,
        progress={"completed_lessons": [LESSON[l] for l in done],
                  "current_lesson_id": LESSON[current] if current else None,
                  "lessons_total": len(lessons),
                  "final_assessment_passed": completed is not None},
        progress_percent=dec(pct))

# --- student_progress: per lesson (with its quiz), and per course final quiz
SP = [
    # tenant, student, lesson key or course key (final), status, completion, last accessed, time spent (s)
    (T1, 8, "fcc1", "completed", 100, "2026-09-22 18:35", 2760),
    (T1, 8, "fcc2", "completed", 100, "2026-10-02 20:17", 3120),
    (T1, 8, "fcc3", "completed", 100, "2026-10-12 07:48", 2280),
    (T1, 8, "fcc", "completed", 100, "2026-10-13 19:43", 750),
    (T1, 8, "ltc1", "completed", 100, "2026-11-17 18:05", 1980),
    (T1, 8, "ltc2", "in_progress", 60, "2026-11-19 18:29", 1640),
    (T1, 8, "ltc3", "blocked", 0, None, 0),
    (T1, 9, "fcc1", "completed", 100, "2026-11-09 12:05", 2410),
    (T1, 9, "fcc2", "in_progress", 70, "2026-11-18 12:23", 2050),
    (T1, 9, "afl1", "in_progress", 20, "2026-11-02 10:20", 600),
    (T1, 13, "ltc1", "completed", 100, "2026-11-20 21:04", 1720),
    (T2, 11, "dlm1", "completed", 100, "2026-11-05 08:15", 2330),
    (T2, 11, "dlm2", "in_progress", 40, "2026-11-19 07:50", 960),
    (T2, 11, "rep1", "completed", 100, "2026-11-12 16:40", 1500),
    (T2, 11, "rep2", "completed", 100, "2026-11-15 18:00", 1800),
    (T2, 11, "rep", "completed", 100, "2026-11-16 17:06", 360),
    (T2, 8, "dlm1", "in_progress", 50, "2026-11-21 10:36", 1100),
]
for tenant, student, key, status, pct, last, spent in SP:
    if key in COURSE:
        course_id, lesson_id = COURSE[key], None
    else:
        lesson_id = LESSON[key]
        course_id = next(COURSE[c] for c, ls in LESSONS_OF.items() if key in ls)
    quiz = QUIZ.get(key)
    scores = ATTEMPTS.get((student, quiz), []) if quiz else []
    enrolled = next(e[3] for e in ENROLL if e[0] == tenant and e[1] == student and COURSE[e[2]] == course_id)
    add("student_progress", tenant, student_id=user(student), course_id=course_id, lesson_id=lesson_id,
        assessment_id=quiz, status=status, completion_percentage=pct,
        last_accessed=ts(last) if last else None, time_spent=spent, attempts_count=len(scores),
        best_score=max(scores) if scores else None, created_at=ts(enrolled), updated_at=ts(last or enrolled))

# --- roadmaps
add("personalized_roadmaps", T1, student_id=user(8), status="active", generated_at=ts("2026-11-14 06:00"),
    updated_at=ts("2026-11-19 18:30"),
    roadmap_data={
        "goal": "Become a confident peer coach for the Acme product team",
        "estimated_weeks": 6,
        "focus_competencies": ["powerful_questions", "designing_actions"],
        "steps": [
            {"order": 1, "type": "course", "course_id": COURSE["fcc"], "status": "completed",
             "reason": "Core coaching moves; completed with a passing final."},
            {"order": 2, "type": "learning_path", "category_id": PATH_IDS["The Art of Questioning"][0],
             "status": "in_progress", "reason": "Lowest area in the CORE I attempt (33%)."},
            {"order": 3, "type": "lesson", "course_id": COURSE["ltc"], "lesson_id": LESSON["ltc2"],
             "status": "in_progress", "reason": "Applies questioning to stakeholder conversations."},
            {"order": 4, "type": "lesson", "course_id": COURSE["ltc"], "lesson_id": LESSON["ltc3"],
             "status": "not_started", "reason": "Designing actions that stick: the second focus area."},
            {"order": 5, "type": "assessment", "assessment_slug": "core-fundamentals-i", "status": "not_started",
             "reason": "Retake CORE I to measure progress."},
        ],
    },
    ai_reasoning="Leo finished Foundations of Coaching Conversations and scored 75% on CORE I, with "
                 "powerful questions (33%) and designing actions (67%) below the 70% threshold. He learns "
                 "best from video and short reading, and is most active in the evenings. The roadmap therefore "
                 "puts the questioning path first, then the two remaining Leading Through Change lessons that "
                 "practise questions and action design in a real setting, and ends with a CORE I retake.")
add("personalized_roadmaps", T2, student_id=user(11), status="paused", generated_at=ts("2026-11-06 06:00"),
    updated_at=ts("2026-11-16 17:10"),
    roadmap_data={
        "goal": "Lead Initech's quarterly planning with data",
        "estimated_weeks": 4,
        "steps": [
            {"order": 1, "type": "course", "course_id": COURSE["rep"], "status": "completed",
             "reason": "Project rhythm first: planning happens inside it."},
            {"order": 2, "type": "lesson", "course_id": COURSE["dlm"], "lesson_id": LESSON["dlm2"],
             "status": "in_progress", "reason": "Framing decisions before pulling data."},
            {"order": 3, "type": "lesson", "course_id": COURSE["dlm"], "lesson_id": LESSON["dlm3"],
             "status": "not_started", "reason": "Presenting the plan with numbers."},
        ],
    },
    ai_reasoning="Nick prefers a slow pace and video. Paused at his request during the release crunch; "
                 "resume with the data lesson he already started.")

# --- learning_progress: detailed tracking of lessons and content blocks
LP = [
    # tenant, student, type, lesson key or (lesson key, block index), data, completed, seconds, started, touched
    (T1, 8, "lesson", "fcc1", {"percent": 100, "sections_viewed": 3}, "2026-09-22 18:35", 2760,
     "2026-09-21 18:20", None),
    (T1, 8, "content_block", ("fcc1", 1), {"position_seconds": 512, "percent": 100, "playback_rate": 1.25},
     "2026-09-21 18:50", 430, "2026-09-21 18:42", None),
    (T1, 8, "lesson", "ltc2", {"percent": 60, "sections_viewed": 2}, None, 1640, "2026-11-18 19:00",
     "2026-11-19 18:29"),
    (T1, 8, "content_block", ("ltc2", 2), {"downloaded": True}, "2026-11-19 18:10", 40, "2026-11-19 18:09", None),
    (T1, 9, "lesson", "fcc1", {"percent": 100, "sections_viewed": 3}, "2026-11-09 12:05", 2410,
     "2026-11-08 11:10", None),
    (T1, 9, "content_block", ("fcc2", 1), {"position_seconds": 380, "percent": 52}, None, 380,
     "2026-11-17 12:00", "2026-11-17 12:07"),
    (T1, 13, "content_block", ("ltc1", 1), {"position_seconds": 648, "percent": 100}, "2026-11-20 20:55", 660,
     "2026-11-20 20:44", None),
    (T2, 11, "lesson", "dlm1", {"percent": 100, "sections_viewed": 2}, "2026-11-05 08:15", 2330,
     "2026-11-02 07:40", None),
    (T2, 11, "content_block", ("dlm2", 0), {"position_seconds": 140, "percent": 44}, None, 150,
     "2026-11-19 07:47", "2026-11-19 07:50"),
    (T2, 8, "content_block", ("dlm1", 0), {"scroll_depth": 0.8}, None, 300, "2026-11-20 10:05", "2026-11-20 10:10"),
]
for tenant, student, ctype, ref, data, completed, spent, started, touched in LP:
    content_id = LESSON[ref] if ctype == "lesson" else BLOCKS[ref[0]][ref[1]]
    add("learning_progress", tenant, student_id=user(student), content_id=content_id, content_type=ctype,
        progress_data=data, completed_at=ts(completed) if completed else None, time_spent=spent,
        created_at=ts(started), updated_at=ts(completed or touched))

# ====================================================================
# workshops & commerce (seed 001)
# ====================================================================

DIMS = ["individual", "leadership", "cultural", "embedding", "velocity"]
DIM_PREFIX = {"individual": "ind", "leadership": "lead", "cultural": "cult", "embedding": "emb", "velocity": "vel"}


def adaptability(tenant, nn, org, kind, status, started, completed, answers, results=None, recommendations=None):
    """answers: [(dimension, answer_type, value or text, weight)]. Dimension scores are the weighted
    average of the numeric answers of each dimension (they must come out whole)."""
    # domain::adaptability::dimension_scores: the weighted mean of a dimension's
    # numeric answers, rounded half away from zero; NULL (absent) while it has
    # none, so an assessment in progress is scored as far as it is answered.
    scores = {}
    for d in DIMS:
        num = [(v, w) for dd, at, v, w in answers if dd == d and at != "text"]
        if num:
            total = sum(v * w for v, w in num) / sum(w for v, w in num)
            scores[f"{d}_score"] = int(half_up(total))
    aid = add("adaptability_assessments", tenant, user_id=user(nn), organization_id=org, assessment_type=kind,
              status=status, **scores, results=results or {}, recommendations=recommendations or [],
              started_at=ts(started), completed_at=ts(completed) if completed else None,
              created_at=ts(started), updated_at=ts(completed or started))
    seen = defaultdict(int)
    for d, at, v, w in answers:
        seen[d] += 1
        add("assessment_answers", tenant, assessment_id=aid, question_id=f"{DIM_PREFIX[d]}-{seen[d]}",
            dimension=d, answer_type=at, answer_value=None if at == "text" else v,
            answer_text=v if at == "text" else None, question_weight=dec(w), created_at=ts(started),
            updated_at=ts(started))
    return aid, scores


def results_for(scores, percentile, summary, strengths, risks):
    overall = sum(scores.values()) // 5
    band = "leading" if overall >= 80 else "adapting" if overall >= 65 else "developing"
    return {"dimension_scores": {k[:-6]: v for k, v in scores.items()}, "overall": overall,
            "readiness_band": band, "percentile": percentile, "summary": summary,
            "strengths": strengths, "risks": risks}


# Workshops first: recommendations point at them.
WORKSHOPS = {}
W = [
    # key, tenant, title, description, pillar, level, format, date, time, capacity, price, early, outcomes, tags,
    # status, featured, created
    ("sprint", T1, "AI Adaptability Sprint",
     "A hands-on half day for teams starting to use AI at work: map which tasks change, run two small "
     "experiments and agree how the team will learn together.",
     "adaptability", "beginner", "live", "2026-11-19", "16:00:00", 20, 149, 119,
     ["Map the tasks AI will change in your role", "Design two low-risk experiments",
      "Agree a team learning ritual"], ["ai", "adaptability", "experiments", "teams"], "published", False,
     "2026-09-01 10:00"),
    ("masterclass", T1, "Coaching Conversations Masterclass",
     "Live practice of the CORE I moves with real-time feedback from a coach: listening, open questions and "
     "commitments. Online with an optional in-person studio seat.",
     "coaching", "intermediate", "hybrid", "2026-12-08", "17:00:00", 20, 249, 199,
     ["Hold silence with confidence", "Ask shorter, more open questions", "Close with client-owned actions"],
     ["coaching", "listening", "questions", "core-i"], "published", True, "2026-10-05 09:00"),
    ("marketplace", T1, "Building a Talent Marketplace Playbook",
     "For HR and transformation leads: how to match internal and external experts to change initiatives, "
     "price engagements and measure behavior change.",
     "marketplace", "advanced", "live", "2027-01-14", "15:00:00", 12, 399, None,
     ["Define expert profiles and matching criteria", "Set engagement pricing and hour budgets",
      "Measure behavior change, not activity"], ["marketplace", "talent", "hr", "engagements"], "draft", False,
     "2026-11-10 11:00"),
    ("hybrid", T1, "Leading Hybrid Teams Through Change",
     "Recorded session with workbook: keep hybrid teams aligned while processes and tools change under them.",
     "adaptability", "intermediate", "recorded", "2027-01-21", "18:00:00", 40, 0, None,
     ["Run a change check-in in 15 minutes", "Spot change fatigue early"],
     ["hybrid", "change", "leadership"], "published", False, "2026-11-02 09:00"),
    ("storytelling", T2, "Data Storytelling Workshop",
     "Turn a dashboard into a five-minute story for your leadership team. Bring a chart you present regularly.",
     "coaching", "beginner", "live", "2026-12-15", "14:00:00", 25, 99, 79,
     ["Write one-sentence chart headlines", "Structure a five-minute data story"],
     ["data", "storytelling", "presentation"], "published", True, "2026-10-20 09:00"),
]
for (key, tenant, title, desc, pillar, level, fmt, date, time, cap, price, early, outcomes, tags, status, featured,
     created) in W:
    WORKSHOPS[key] = add("workshops", tenant, title=title, description=desc, instructor_id=user(4), pillar=pillar,
                         level=level, format=fmt, schedule_date=date, schedule_time=time, capacity_total=cap,
                         capacity_remaining=cap, price_amount=dec(price), price_early_bird=dec(early) if early else None,
                         outcomes=outcomes, tags=tags, status=status, is_featured=featured, rating="0.00",
                         review_count=0, created_at=ts(created), updated_at=ts(created))

# --- adaptability assessments
clara_answers = [
    ("individual", "scale", 80, 1.0), ("individual", "fearToConfidence", 70, 1.5),
    ("individual", "text", "I'm excited about AI for research but worried my team will feel replaced.", 1.0),
    ("leadership", "scale", 60, 1.0), ("leadership", "multiChoice", 76, 1.0),
    ("cultural", "scale", 55, 2.0), ("cultural", "multiChoice", 70, 1.0),
    ("embedding", "scale", 65, 1.0), ("embedding", "scale", 45, 1.0),
    ("velocity", "multiChoice", 85, 1.5), ("velocity", "fearToConfidence", 60, 1.0),
]
CLARA_ADAPT, clara_scores = adaptability(T1, 7, ACME, "full", "completed", "2026-09-18 14:00", "2026-09-18 14:26",
                                          clara_answers)
row = row_of("adaptability_assessments", CLARA_ADAPT)
row["results"] = results_for(
    clara_scores, 58,
    "Strong personal readiness and appetite for speed; habits and team culture lag behind.",
    ["individual", "velocity"], ["embedding", "cultural"])
row["recommendations"] = [
    {"dimension": "embedding", "priority": 1, "title": "Build one team learning ritual",
     "action": "Start a weekly 15-minute 'what did we try' stand-up.", "workshop_id": WORKSHOPS["sprint"]},
    {"dimension": "cultural", "priority": 2, "title": "Name the fear out loud",
     "action": "Run a team conversation on what people worry AI will change.", "workshop_id": WORKSHOPS["hybrid"]},
    {"dimension": "leadership", "priority": 3, "title": "Work with a transformation coach",
     "action": "Book a marketplace expert for a 90-day adoption plan.", "expert_id": user(6)},
]

leo_answers = [
    ("individual", "scale", 72, 1.0), ("leadership", "multiChoice", 58, 1.0), ("cultural", "scale", 66, 1.0),
    ("embedding", "fearToConfidence", 50, 1.0), ("velocity", "scale", 81, 1.0),
    ("individual", "text", "Curious, a bit overwhelmed by how many tools there are.", 1.0),
]
LEO_ADAPT, leo_scores = adaptability(T1, 8, ACME, "quick", "completed", "2026-11-12 08:30", "2026-11-12 08:37",
                                      leo_answers)
row = row_of("adaptability_assessments", LEO_ADAPT)
row["results"] = results_for(leo_scores, 52, "Quick check: high velocity, new habits not yet sticking.",
                             ["velocity", "individual"], ["embedding", "leadership"])
row["recommendations"] = [
    {"dimension": "embedding", "priority": 1, "title": "Pick one tool and use it daily for two weeks",
     "action": "Log one use per day in your learning journal."},
    {"dimension": "leadership", "priority": 2, "title": "Take Leading Through Change",
     "action": "Start with 'Why Change Stalls'.", "course_id": COURSE["ltc"]},
]

grace_answers = [
    ("individual", "scale", 62, 1.0), ("leadership", "scale", 70, 1.0), ("cultural", "multiChoice", 48, 1.0),
    ("embedding", "scale", 57, 1.0), ("velocity", "fearToConfidence", 66, 1.0),
]
GRACE_ADAPT, grace_scores = adaptability(T1, 13, GLOBEX, "quick", "completed", "2026-10-22 20:00",
                                          "2026-10-22 20:06", grace_answers)
row = row_of("adaptability_assessments", GRACE_ADAPT)
row["results"] = results_for(grace_scores, 47, "Leadership intent is clear; culture is cautious about change.",
                             ["leadership"], ["cultural"])
row["recommendations"] = [
    {"dimension": "cultural", "priority": 1, "title": "Share small wins publicly",
     "action": "Highlight one unit's successful pilot in the monthly all-hands."},
]

OLGA_ADAPT, _ = adaptability(T1, 3, ACME, "full", "in_progress", "2026-11-20 09:15", None, [
    ("individual", "scale", 70, 1.0), ("individual", "fearToConfidence", 65, 1.5), ("leadership", "scale", 85, 1.0),
])

# --- payments, certificates, registrations
PAY = {}


def payment(key, tenant, nn, org, amount, provider, status, ptype, related, invoice, created, refund=None,
            refunded_at=None, meta=None):
    tx = f"pi_{invoice.replace('-', '').lower()}" if provider == "stripe" else None
    PAY[key] = add("payments", tenant, user_id=user(nn), organization_id=org, amount=dec(amount), currency="USD",
                   provider=provider, transaction_id=tx, status=status, payment_type=ptype,
                   related_entity_id=related, invoice_number=invoice,
                   invoice_url=f"https://billing.example.com/invoices/{invoice}",
                   refund_amount=dec(refund) if refund is not None else None,
                   refunded_at=ts(refunded_at) if refunded_at else None, metadata=meta or {},
                   created_at=ts(created), updated_at=ts(refunded_at or created))
    return PAY[key]


payment("clara_sprint", T1, 7, ACME, 119, "stripe", "succeeded", "workshop", WORKSHOPS["sprint"], "INV-IO-2026-0001",
        "2026-10-02 13:11", meta={"price_tier": "early_bird", "card_brand": "visa", "last4": "4242"})
payment("leo_sprint", T1, 8, ACME, 149, "stripe", "succeeded", "workshop", WORKSHOPS["sprint"], "INV-IO-2026-0002",
        "2026-11-03 19:40", meta={"price_tier": "standard", "card_brand": "mastercard", "last4": "5454"})
payment("lina_sprint", T1, 9, GLOBEX, 149, "stripe", "refunded", "workshop", WORKSHOPS["sprint"], "INV-IO-2026-0003",
        "2026-11-04 12:30", refund=149, refunded_at="2026-11-12 09:05",
        meta={"price_tier": "standard", "refund_reason": "schedule conflict", "card_brand": "visa", "last4": "1881"})
payment("leo_master", T1, 8, ACME, 199, "stripe", "succeeded", "workshop", WORKSHOPS["masterclass"],
        "INV-IO-2026-0004", "2026-11-16 20:02", meta={"price_tier": "early_bird", "card_brand": "mastercard", "last4": "5454"})
payment("grace_master", T1, 13, GLOBEX, 249, "manual", "succeeded", "workshop", WORKSHOPS["masterclass"],
        "INV-IO-2026-0005", "2026-11-18 10:00", meta={"price_tier": "standard", "po_number": "GLX-PO-77812"})
payment("olga_master", T1, 3, ACME, 249, "stripe", "succeeded", "workshop", WORKSHOPS["masterclass"],
        "INV-IO-2026-0006", "2026-11-19 08:45", meta={"price_tier": "standard", "card_brand": "amex", "last4": "0005"})

ENGAGEMENTS = {}
ENG = [
    # key, client, expert, org, focus, hours_total, rate, status, satisfaction, created, deliverables, milestones
    ("acme_ai", 7, 6, ACME, "AI adoption roadmap for the product organization", 20, 275, "active", None,
     "2026-09-25 10:00",
     [{"title": "Current-state adaptability readout", "status": "delivered", "due": "2026-10-15"},
      {"title": "90-day adoption plan", "status": "in_progress", "due": "2026-12-05"},
      {"title": "Manager coaching guide", "status": "planned", "due": "2027-01-15"}],
     [{"name": "Kickoff", "date": "2026-10-01", "completed": True},
      {"name": "Readout to product leadership", "date": "2026-10-20", "completed": True},
      {"name": "Plan sign-off", "date": "2026-12-05", "completed": False}]),
    ("acme_reorg", 3, 6, ACME, "Leadership team alignment on the 2026 reorganization", 10, 275, "completed", 5,
     "2026-05-20 09:00",
     [{"title": "Team charter", "status": "delivered", "due": "2026-06-30"},
      {"title": "Decision rights map", "status": "delivered", "due": "2026-07-31"}],
     [{"name": "Offsite", "date": "2026-06-12", "completed": True},
      {"name": "Charter adopted", "date": "2026-07-01", "completed": True},
      {"name": "90-day review", "date": "2026-08-28", "completed": True}]),
    ("globex_presence", 13, 12, GLOBEX, "Executive presence for a newly appointed CNO", 12, 190, "pending", None,
     "2026-11-18 16:00",
     [{"title": "360 feedback summary", "status": "planned", "due": "2027-01-10"}],
     [{"name": "Chemistry call", "date": "2026-11-25", "completed": False}]),
]
SESSIONS = {
    "acme_ai": [
        ("coaching", "2026-10-01 15:00", "15:02", "16:32", "completed",
         "Kickoff: mapped which product rituals AI tools touch first. Clara wants the team to own the experiments.",
         [{"item": "List current AI tool usage per squad", "owner": "Clara", "due": "2026-10-08", "done": True}]),
        ("consultation", "2026-10-20 15:00", "15:00", "17:00", "completed",
         "Readout with product leadership. Embedding scored lowest; agreed on a weekly learning ritual.",
         [{"item": "Pilot 'what did we try' stand-up in two squads", "owner": "Clara", "due": "2026-11-01", "done": True}]),
        ("coaching", "2026-11-03 15:00", None, None, "cancelled", None, []),
        ("coaching", "2026-11-10 15:00", "15:05", "16:20", "completed",
         "Reviewed pilot: one squad thriving, one stalled on unclear purpose. Worked on Clara's framing.",
         [{"item": "Rewrite the 'why' message for squad B", "owner": "Clara", "due": "2026-11-17", "done": False}]),
        ("follow_up", "2026-11-26 15:00", None, None, "scheduled", None, []),
    ],
    "acme_reorg": [
        ("workshop", "2026-06-12 13:00", "13:00", "15:30", "completed",
         "Offsite: surfaced overlapping responsibilities between content and growth teams.",
         [{"item": "Draft team charter", "owner": "Olga", "due": "2026-06-26", "done": True}]),
        ("coaching", "2026-06-30 16:00", "16:00", "18:30", "completed",
         "Charter review; agreed decision rights for budget and hiring.",
         [{"item": "Publish decision rights map", "owner": "Olga", "due": "2026-07-31", "done": True}]),
        ("coaching", "2026-07-28 16:00", "16:00", "18:30", "completed",
         "Olga practised a difficult conversation with a peer director.", []),
        ("follow_up", "2026-08-28 16:00", "16:00", "18:30", "completed",
         "90-day review: charter in use, meeting load down by a fifth.", []),
    ],
    "globex_presence": [],
}


def hours_between(a, b):
    ah, am = map(int, a.split(":"))
    bh, bm = map(int, b.split(":"))
    return ((bh * 60 + bm) - (ah * 60 + am)) / 60


for key, client, expert, org, focus, hours_total, rate, status, sat, created, deliverables, milestones in ENG:
    used = sum(hours_between(s, e) for _, _, s, e, st, _, _ in SESSIONS[key] if st == "completed")
    assert used <= hours_total
    eid = add("engagements", T1, client_id=user(client), expert_id=user(expert), organization_id=org,
              focus_area=focus, hours_total=dec(hours_total), hours_used=dec(used), hourly_rate=dec(rate),
              status=status, deliverables=deliverables, milestones=milestones, client_satisfaction_score=sat,
              created_at=ts(created), updated_at=ts(created))
    ENGAGEMENTS[key] = eid
    for stype, sched, start, end, st, notes, items in SESSIONS[key]:
        day = sched.split(" ")[0]
        add("engagement_sessions", T1, engagement_id=eid, session_type=stype, scheduled_at=ts(sched),
            started_at=ts(f"{day} {start}") if start else None, ended_at=ts(f"{day} {end}") if end else None,
            duration_hours=dec(hours_between(start, end)) if st == "completed" else None, session_notes=notes,
            action_items=items, status=st, created_at=ts(created), updated_at=ts(f"{day} {end or '00:00'}"))

payment("acme_ai", T1, 7, ACME, 5500, "manual", "succeeded", "engagement", ENGAGEMENTS["acme_ai"],
        "INV-IO-2026-0007", "2026-09-26 09:00", meta={"hours": 20, "hourly_rate": "275.00", "po_number": "ACME-4471"})
payment("acme_reorg", T1, 3, ACME, 2750, "stripe", "refunded", "engagement", ENGAGEMENTS["acme_reorg"],
        "INV-IO-2026-0008", "2026-05-21 11:30", refund=275, refunded_at="2026-09-02 10:00",
        meta={"hours": 10, "hourly_rate": "275.00", "refund_reason": "one session credited as goodwill",
              "partial_refund": True})

CERTS = {}


def certificate(key, tenant, nn, ctype, issue, skills, workshop=None, assessment=None, expiry=None):
    cid = new_id("certificates", tenant)
    number = f"CERT-{ctype.upper()}-{issue.replace('-', '')}-{cid}"
    host = "insideout.example.com" if tenant == T1 else "northstar.example.com"
    CERTS[key] = add("certificates", tenant, id=cid, user_id=user(nn), certificate_type=ctype, workshop_id=workshop,
                     assessment_id=assessment, certificate_number=number, issue_date=issue, expiry_date=expiry,
                     skills_demonstrated=skills, certificate_url=f"https://{host}/certificates/{cid}.pdf",
                     verification_url=f"https://{host}/verify/{number}", issued_by=user(4), is_verified=True,
                     created_at=ts(f"{issue} 09:00"), updated_at=ts(f"{issue} 09:00"))


certificate("clara_sprint", T1, 7, "workshop", "2026-11-20", ["AI task mapping", "Experiment design",
                                                               "Team learning rituals"],
            workshop=WORKSHOPS["sprint"], expiry="2028-11-20")
certificate("leo_sprint", T1, 8, "workshop", "2026-11-20", ["AI task mapping", "Experiment design"],
            workshop=WORKSHOPS["sprint"], expiry="2028-11-20")
certificate("clara_adapt", T1, 7, "assessment", "2026-09-18", ["Adaptability self-assessment"],
            assessment=CLARA_ADAPT)

REG = [
    # workshop, tenant, user, status, registered, price, payment, attended, completed, cancelled, cert, rating, review
    ("sprint", T1, 7, "completed", "2026-10-02 13:10", 119, "clara_sprint", True, "2026-11-19 20:00", None,
     "clara_sprint", 5, "Practical and fast. We ran our first experiment the next morning."),
    ("sprint", T1, 8, "completed", "2026-11-03 19:38", 149, "leo_sprint", True, "2026-11-19 20:00", None,
     "leo_sprint", 4, "Great exercises; I'd have liked more time on the team ritual part."),
    ("sprint", T1, 9, "cancelled", "2026-11-04 12:29", 149, "lina_sprint", False, None, "2026-11-12 09:00",
     None, None, None),
    ("masterclass", T1, 8, "registered", "2026-11-16 20:01", 199, "leo_master", False, None, None, None, None, None),
    ("masterclass", T1, 13, "registered", "2026-11-18 09:58", 249, "grace_master", False, None, None, None, None, None),
    ("masterclass", T1, 3, "registered", "2026-11-19 08:44", 249, "olga_master", False, None, None, None, None, None),
    ("masterclass", T1, 9, "cancelled", "2026-11-17 12:00", 0, None, False, None, "2026-11-17 12:40", None, None, None),
    ("hybrid", T1, 7, "registered", "2026-11-03 08:00", 0, None, False, None, None, None, None, None),
]
active = defaultdict(int)
for wk, tenant, nn, status, registered, price, pay, attended, completed, cancelled, cert, rating, review in REG:
    add("workshop_registrations", tenant, workshop_id=WORKSHOPS[wk], user_id=user(nn), status=status,
        registered_at=ts(registered), price_paid=dec(price), payment_id=PAY.get(pay), attended=attended,
        completed_at=ts(completed) if completed else None, cancelled_at=ts(cancelled) if cancelled else None,
        certificate_id=CERTS.get(cert), rating=rating, review=review, created_at=ts(registered),
        updated_at=ts(completed or cancelled or registered))
    if status != "cancelled":
        active[wk] += 1

# northstar: one workshop, one paid registration
payment("nick_story", T2, 11, INITECH, 79, "stripe", "succeeded", "workshop", WORKSHOPS["storytelling"],
        "INV-NS-2026-0001", "2026-11-11 07:30", meta={"price_tier": "early_bird", "card_brand": "visa", "last4": "0341"})
add("workshop_registrations", T2, workshop_id=WORKSHOPS["storytelling"], user_id=user(11), status="registered",
    registered_at=ts("2026-11-11 07:29"), price_paid="79.00", payment_id=PAY["nick_story"], attended=False,
    created_at=ts("2026-11-11 07:29"), updated_at=ts("2026-11-11 07:29"))
active["storytelling"] += 1

for key, wid in WORKSHOPS.items():
    r = row_of("workshops", wid)
    r["capacity_remaining"] = r["capacity_total"] - active[key]

# --- talent marketplace
ELI_PROFILE = add("talent_profiles", T1, user_id=user(6),
                  tagline="Helping leadership teams adopt AI without losing their people",
                  bio="Former newsroom editor turned transformation coach. Eli has guided media and healthcare "
                      "organizations through restructurings and AI adoption, pairing adaptability assessments with "
                      "small, measurable team experiments.",
                  expertise=["AI Adoption", "Change Management", "Executive Coaching", "Team Effectiveness"],
                  transformation_success_rate=87, behavior_change_score=82, client_retention_rate=91,
                  cultures_transformed=14, years_experience=12,
                  industries=["Media", "Healthcare", "Financial Services"],
                  transformation_stages=["assess", "reframe", "embed"], coaching_style="hybrid",
                  rating="0.00", review_count=0, availability="limited", hourly_rate="275.00", is_public=True,
                  accepting_clients=True, created_at=ts("2025-07-05 10:00"), updated_at=ts("2026-10-30 10:00"))
PRIYA_PROFILE = add("talent_profiles", T1, user_id=user(12),
                    tagline="Presence and confidence for leaders stepping into bigger roles",
                    bio="Leadership coach working across India, the UK and the US with leaders in their first "
                        "executive role. Profile in review before going public.",
                    expertise=["Leadership Presence", "Career Transitions", "Cross-cultural Teams"],
                    transformation_success_rate=78, behavior_change_score=75, client_retention_rate=84,
                    cultures_transformed=3, years_experience=8, industries=["Healthcare", "Technology"],
                    transformation_stages=["reframe", "embed"], coaching_style="facilitative",
                    rating="0.00", review_count=0, availability="available", hourly_rate="190.00", is_public=False,
                    accepting_clients=True, created_at=ts("2026-02-12 10:00"), updated_at=ts("2026-11-18 16:05"))

for client, company, quote, metric, verified, featured, created in [
    ("Olga Petrova", "Acme Media", "Eli helped our leadership team stop relitigating decisions. Meetings got shorter "
     "and the reorg actually landed.", "20% fewer meeting hours", True, True, "2026-09-01 12:00"),
    ("Marcus Webb", "Northwind Publishing", "Our editors went from fearing AI tools to running their own pilots "
     "within six weeks.", "78% weekly adoption", True, False, "2026-03-14 12:00"),
    ("Dana Ruiz", "Harbor Clinics", "Clear, warm and practical. Eli made change feel doable for frontline managers.",
     None, False, False, "2025-12-02 12:00"),
]:
    add("talent_testimonials", T1, talent_profile_id=ELI_PROFILE, client_name=client, client_company=company,
        quote=quote, metric=metric, verified=verified, is_featured=featured, created_at=ts(created))

# --- reviews
REVIEWS = [
    # user, type, target, rating, title, text, detailed (cq, del, val, imp), verified, status, helpful, not,
    # response (by, text, at), created
    (7, "workshop", WORKSHOPS["sprint"], 5, "Practical from minute one",
     "We left with two experiments designed and owners assigned. The facilitator kept it moving without rushing.",
     (5, 5, 4, 5), True, "approved", 4, 0,
     (4, "Thank you, Clara! Let us know how the experiments go; happy to feature your team's results.",
      "2026-11-21 09:30"), "2026-11-20 18:00"),
    (8, "workshop", WORKSHOPS["sprint"], 4, "Good, wanted more on rituals",
     "Great exercises; the team ritual section felt short.", (4, 4, 4, 3), True, "pending", 0, 0, None,
     "2026-11-21 08:10"),
    (7, "expert", user(6), 5, "Calm, sharp and practical",
     "Eli got our product leadership aligned on an AI adoption plan without a single slide too many.",
     (5, 5, 5, 5), True, "approved", 3, 0, None, "2026-11-12 11:00"),
    (3, "expert", user(6), 4, "Made our reorg stick",
     "Very effective with the leadership team. I would have liked written summaries after each session.",
     (4, 5, 4, 4), True, "approved", 2, 1,
     (6, "Thanks Olga - good call on the summaries, I now send them within 24 hours.", "2026-09-05 08:00"),
     "2026-09-03 17:20"),
    (8, "expert", user(6), 5, "Inspiring talk",
     "Saw Eli speak at a company event; very inspiring.", (None, None, None, None), False, "pending", 0, 0, None,
     "2026-11-20 12:00"),
    (9, "expert", user(6), 1, "Check out my site",
     "Best deals on coaching certificates at cheap-certs.example!", (None, None, None, None), False, "rejected", 0, 5,
     None, "2026-10-30 03:12"),
    (13, "expert", user(12), 4, "Thoughtful first conversation",
     "Priya asked the questions nobody else had asked me about the new role.", (4, 4, 4, None), False, "approved",
     1, 0, None, "2026-11-19 19:00"),
    (3, "engagement", ENGAGEMENTS["acme_reorg"], 5, "Worth every hour",
     "Ten hours that changed how our leadership team makes decisions.", (5, 5, 5, 5), True, "approved", 6, 0, None,
     "2026-09-01 10:00"),
]
approved = defaultdict(list)
for (nn, rtype, target, rating, title, text, detail, verified, status, helpful, not_helpful, response,
     created) in REVIEWS:
    cq, dl, vl, im = detail
    add("reviews", T1, user_id=user(nn), review_type=rtype,
        workshop_id=target if rtype == "workshop" else None,
        expert_id=target if rtype == "expert" else None,
        engagement_id=target if rtype == "engagement" else None,
        rating=rating, title=title, review_text=text, content_quality_rating=cq, delivery_rating=dl,
        value_rating=vl, impact_rating=im, verified_purchase=verified, status=status, helpful_count=helpful,
        not_helpful_count=not_helpful,
        response_text=response[1] if response else None, response_by=user(response[0]) if response else None,
        responded_at=ts(response[2]) if response else None, created_at=ts(created),
        updated_at=ts(response[2] if response else created))
    if status == "approved" and rtype in ("expert", "workshop"):
        approved[target].append(rating)

def add_review_votes():
    """Community votes (m0011 `review_votes`): one row per voter and review, so each
    review's helpful / not-helpful counts equal its votes. Voters are the tenant's
    members other than the author, in user order."""
    members = sorted({nn for t, nn, _role, _org, _granted, expires in ROLES if t == T1 and expires is None})
    for r in TABLES["reviews"]:
        author = int(r["user_id"][-12:])
        voters = [nn for nn in members if nn != author]
        ballots = [True] * r["helpful_count"] + [False] * r["not_helpful_count"]
        assert len(ballots) <= len(voters), r["id"]
        for nn, helpful in zip(voters, ballots):
            add("review_votes", T1, review_id=r["id"], user_id=user(nn), helpful=helpful,
                created_at=r["updated_at"])


add_review_votes()

# One formula (docs/SCHEMA_MAP.md §1, domain::marketplace::recompute_expert_rating): the
# mean over the expert's client satisfaction scores and approved expert review ratings.
for nn, profile in [(6, ELI_PROFILE), (12, PRIYA_PROFILE)]:
    ratings = approved[user(nn)]
    scores = [e[8] for e in ENG if e[2] == nn and e[8] is not None]
    both = ratings + scores
    r = row_of("talent_profiles", profile)
    r["review_count"] = len(ratings)
    r["rating"] = mean2(both)

# domain::marketplace::workshop_rating: the mean of the approved workshop reviews.
for wid in WORKSHOPS.values():
    r = row_of("workshops", wid)
    r["review_count"] = len(approved[wid])
    r["rating"] = mean2(approved[wid])

# ====================================================================
# coaching (seed 002)
# ====================================================================

# Embedding axes: listening, questions, change/AI, team culture, goals/strategy, emotion, data/metrics,
# feedback/accountability. Each chunk mixes a few topics, plus a small deterministic jitter; unit length.
AXES = ["listening", "questions", "change", "culture", "strategy", "emotion", "data", "accountability"]


def embed(text, topics):
    h = 0
    for ch in text:
        h = (h * 131 + ord(ch)) % 1_000_003
    vec = []
    for i, axis in enumerate(AXES):
        h = (h * 1103515245 + 12345) % 2_147_483_648
        jitter = (h / 2_147_483_648 - 0.5) * 0.12
        vec.append(topics.get(axis, 0.0) + 0.05 + jitter)
    norm = math.sqrt(sum(v * v for v in vec))
    return [round(v / norm, 4) for v in vec]


COACHES = {}
for key, tenant, nn, email, name, bio, meta in [
    ("cora", T1, 5, "cora@insideout.example", "Cora Bennett",
     "Executive coach for C-suite leaders in media and technology; former COO.",
     {"active": True, "experience_years": 15, "specializations": ["C-suite", "organizational transformation"],
      "certifications": ["ICF-PCC", "DISC"], "timezone": "America/Los_Angeles"}),
    ("eli", T1, 6, "eli@insideout.example", "Eli Okafor",
     "Transformation coach focused on AI adoption and change leadership.",
     {"active": True, "experience_years": 12, "specializations": ["AI adoption", "change leadership"],
      "certifications": ["ICF-ACC", "Prosci"], "timezone": "America/New_York"}),
    ("marcus", T1, None, "marcus.bell@insideout.example", "Marcus Bell",
     "Associate coach for healthcare executives; works with InsideOut on enterprise programs.",
     {"active": True, "experience_years": 22, "specializations": ["healthcare leadership", "executive presence"],
      "certifications": ["ICF-MCC", "Hogan"], "timezone": "America/Chicago", "associate": True}),
    ("hannah", T2, None, "hannah.ito@northstar.example", "Hannah Ito",
     "Coach for first-time engineering managers.",
     {"active": True, "experience_years": 7, "specializations": ["new managers", "engineering teams"],
      "certifications": ["ICF-ACC"], "timezone": "Europe/Berlin"}),
]:
    COACHES[key] = add("coaches", tenant, user_id=user(nn) if nn else None, email=email, name=name, bio=bio,
                       metadata=meta, created_at=ts("2025-07-01 09:00"), updated_at=ts("2026-10-01 09:00"))

CLIENTS = {}
for key, tenant, org, coach, nn, email, name, title, meta in [
    ("clara", T1, ACME, "cora", 7, "clara@acme.example", "Clara Jensen", "Director of Product",
     {"department": "Product", "active": True, "start_date": "2025-09-22",
      "goals": ["leadership presence", "strategic thinking"], "timezone": "America/New_York"}),
    ("daniel", T1, ACME, "eli", None, "daniel.reyes@acme.example", "Daniel Reyes", "Head of Newsroom Operations",
     {"department": "Editorial", "active": True, "start_date": "2026-04-06",
      "goals": ["delegation", "leading through AI change"], "timezone": "America/New_York"}),
    ("grace", T1, GLOBEX, "marcus", 13, "grace@globex.example", "Grace Kim", "Chief Nursing Officer",
     {"department": "Nursing", "active": True, "start_date": "2026-03-02",
      "goals": ["executive presence", "building a leadership bench"], "timezone": "America/Chicago"}),
    ("sam", T1, GLOBEX, "cora", None, "sam.patel@globex.example", "Sam Patel", "VP Engineering",
     {"department": "Engineering", "active": False, "start_date": "2025-01-15", "end_date": "2025-12-19",
      "goals": ["strategic thinking"], "timezone": "America/Chicago"}),
    ("joan", T2, INITECH, "hannah", None, "joan.whitfield@initech.example", "Joan Whitfield", "Engineering Manager",
     {"department": "Engineering", "active": True, "start_date": "2026-09-07",
      "goals": ["one-on-ones", "giving feedback"], "timezone": "America/Chicago"}),
]:
    CLIENTS[key] = add("clients", tenant, client_organization_id=org, primary_coach_id=COACHES[coach],
                       user_id=user(nn) if nn else None, email=email, name=name, title=title, metadata=meta,
                       created_at=ts("2025-09-22 09:00"), updated_at=ts("2026-10-01 09:00"))

ALL_CONTENT = (
    "The Adaptive Leadership Loop has four moves that repeat. 1. Notice: name what is changing and how people "
    "are reacting, without judging it. 2. Reframe: find the story that makes the change meaningful to this "
    "team. 3. Experiment: agree one small, safe-to-fail action with an owner and a date. 4. Embed: review "
    "what was learned and turn what worked into a habit. Coaches use the loop to structure a session and, "
    "over several sessions, a whole engagement."
)
GROW_CONTENT = (
    "GROW Plus extends the classic GROW conversation with two checks. Goal: what do you want from this "
    "conversation and beyond it? Reality: what is happening now, and what have you tried? Options: what "
    "could you do, and what else? Will: what will you do, by when? Plus: how confident are you from 1 to 10, "
    "and who will you tell? The confidence check catches plans that will not happen; telling someone builds "
    "accountability."
)
MODELS = {}
for key, name, slug, desc, content, meta in [
    ("all", "Adaptive Leadership Loop", "adaptive-leadership-loop",
     "A four-move loop for leading people through change: notice, reframe, experiment, embed.", ALL_CONTENT,
     {"version": "2.0", "model_type": "framework", "active": True, "author": "InsideOut Leadership",
      "tags": ["leadership", "adaptive", "change", "systems-thinking"]}),
    ("grow", "GROW Plus", "grow-plus",
     "The GROW conversation model with confidence and accountability checks.", GROW_CONTENT,
     {"version": "1.3", "model_type": "conversation", "active": True, "author": "InsideOut Leadership",
      "tags": ["conversation", "goals", "accountability"]}),
]:
    MODELS[key] = add("coaching_models", T1, name=name, slug=slug, description=desc, content=content, metadata=meta,
                      created_at=ts("2025-07-10 09:00"), updated_at=ts("2026-08-01 09:00"))

for coach, model, primary in [("cora", "all", True), ("cora", "grow", False), ("eli", "grow", True),
                              ("eli", "all", False), ("marcus", "all", True)]:
    add("coach_model_associations", T1, coach_id=COACHES[coach], coaching_model_id=MODELS[model], is_primary=primary,
        created_at=ts("2025-07-10 09:30"))

DATA_ITEMS = [
    # tenant, type, coach, client, org, creator, visibility, created, metadata, chunks [(text, topics)]
    (T1, "transcript", "cora", "clara", ACME, 5, "coach_only", "2026-10-27 17:00",
     {"session_date": "2026-10-27", "duration_minutes": 55, "source": "zoom", "coaching_model": "adaptive-leadership-loop",
      "tags": ["delegation", "ai adoption"]},
     [("Clara: The squads are trying the new research assistant, but I keep redoing their summaries myself. "
       "Cora: What happens for you when you see a summary that isn't how you'd write it?",
       {"listening": 0.5, "questions": 0.6, "change": 0.4, "emotion": 0.3}),
      ("Clara: Honestly, I worry it reflects on me. Cora: So the rewriting protects you. What does it cost the "
       "team? Clara: They stop trying. That's the opposite of what I want.",
       {"emotion": 0.8, "questions": 0.4, "culture": 0.3}),
      ("Agreed action: Clara will leave next week's summaries untouched and instead ask each squad lead one "
       "question about what they learned. Review on November 10.",
       {"accountability": 0.9, "strategy": 0.3})]),
    (T1, "transcript", "eli", "daniel", ACME, 6, "private", "2026-11-05 14:00",
     {"session_date": "2026-11-05", "duration_minutes": 45, "source": "in_person", "draft": True,
      "tags": ["newsroom", "change fatigue"]},
     [("Daniel described three tool rollouts in one quarter. The night desk has started ignoring announcements. "
       "Private note: signs of change fatigue; explore what he can stop rather than add.",
       {"change": 0.8, "culture": 0.5, "emotion": 0.3}),
      ("Daniel chose to pause the second rollout and run a two-week listening tour with the night desk.",
       {"listening": 0.6, "accountability": 0.5, "change": 0.4})]),
    (T1, "assessment", "marcus", "grace", GLOBEX, 2, "coach_only", "2026-03-10 10:00",
     {"instrument": "DISC", "administered": "2026-03-08", "profile": "DC",
      "scores": {"D": 78, "I": 41, "S": 35, "C": 70}},
     [("DISC profile DC: direct, fast decisions, high standards. Under pressure may appear impatient and "
       "skip consultation with charge nurses.",
       {"emotion": 0.4, "feedback": 0.0, "accountability": 0.3, "culture": 0.4, "data": 0.4}),
      ("Coaching focus: slow down for input on decisions that change frontline work; make standards explicit "
       "instead of implied.",
       {"listening": 0.5, "accountability": 0.5, "strategy": 0.4})]),
    (T1, "coaching_model", "cora", None, None, 5, "public", "2025-07-10 09:00",
     {"coaching_model_slug": "adaptive-leadership-loop", "version": "2.0", "tags": ["framework", "change"]},
     [("Notice and reframe: name what is changing and how people react, then find the story that makes the "
       "change meaningful to this team.", {"change": 0.8, "culture": 0.4, "listening": 0.3}),
      ("Experiment and embed: agree one small, safe-to-fail action with an owner and a date, then turn what "
       "worked into a habit.", {"accountability": 0.7, "change": 0.5, "strategy": 0.3}),
      ("Using the loop across an engagement: one loop per session early on, one loop per month once habits "
       "form.", {"strategy": 0.6, "change": 0.4, "accountability": 0.3})]),
    (T1, "company_doc", None, None, ACME, 3, "org_visible", "2026-10-05 12:00",
     {"doc_type": "okrs", "period": "2026-Q4", "owner": "People & Culture", "tags": ["okrs", "ai adoption"]},
     [("Objective 1: Every product squad uses AI research tools weekly. KR1: 80% weekly active use by "
       "December 15. KR2: two team experiments per squad per month.",
       {"data": 0.7, "strategy": 0.6, "change": 0.5}),
      ("Objective 2: Managers coach more than they fix. KR1: all directors complete a coaching skills course. "
       "KR2: engagement survey item 'my manager helps me grow' up 10 points.",
       {"strategy": 0.5, "culture": 0.5, "data": 0.4, "questions": 0.2})]),
    (T1, "assessment", "eli", None, ACME, 6, "org_visible", "2026-10-18 16:00",
     {"instrument": "team 360", "respondents": 14, "team": "Product leadership",
      "tags": ["360", "leadership team"]},
     [("Leadership team 360 summary: strongest on vision and pace; lowest on involving teams early and on "
       "following through on agreed changes.",
       {"data": 0.5, "accountability": 0.6, "culture": 0.5, "strategy": 0.3}),
      ("Recommended: a monthly review of team experiments led by squad leads, not directors.",
       {"accountability": 0.6, "culture": 0.5, "change": 0.4})]),
    (T1, "company_doc", None, "grace", GLOBEX, 13, "private", "2026-11-14 08:00",
     {"doc_type": "org_chart", "version": "draft-3", "confidential": True, "tags": ["org design", "nursing"]},
     [("Draft nursing leadership structure: three regional directors reporting to the CNO, with a new "
       "clinical education lead.", {"strategy": 0.7, "culture": 0.4}),
      ("Open question for coaching: how to announce the new regional roles without unsettling unit managers.",
       {"change": 0.6, "emotion": 0.5, "questions": 0.3})]),
    (T2, "transcript", "hannah", "joan", INITECH, 10, "coach_only", "2026-11-12 15:00",
     {"session_date": "2026-11-12", "duration_minutes": 40, "source": "zoom", "tags": ["one-on-ones", "feedback"]},
     [("Joan: My one-on-ones turn into status updates. Hannah: What would you want your reports to bring to "
       "them instead?", {"questions": 0.7, "listening": 0.4, "feedback": 0.0, "accountability": 0.3}),
      ("Joan will ask each report to bring one topic that is not a status update, starting Monday.",
       {"accountability": 0.8, "listening": 0.3})]),
]
for tenant, dtype, coach, client, org, creator, vis, created, meta, chunks in DATA_ITEMS:
    item = add("data_items", tenant, data_type=dtype, coach_id=COACHES.get(coach), client_id=CLIENTS.get(client),
               client_organization_id=org, created_by_user_id=user(creator), visibility_level=vis,
               raw_content="\n\n".join(t for t, _ in chunks), metadata=meta, created_at=ts(created),
               updated_at=ts(created))
    offset = 0
    for i, (text, topics) in enumerate(chunks):
        add("data_chunks", tenant, data_item_id=item, chunk_index=i, content=text, embedding=embed(text, topics),
            metadata={"char_start": offset, "char_end": offset + len(text), "tokens": len(text.split())},
            created_at=ts(created))
        offset += len(text) + 2

# ====================================================================
# analytics & gamification (seed 004)
# ====================================================================

SKILLS = {}
for tenant, rows in [
    (T1, [("Active Listening", "coaching", "beginner"), ("Powerful Questioning", "coaching", "intermediate"),
          ("Action Design", "coaching", "intermediate"), ("Change Leadership", "leadership", "advanced"),
          ("Stakeholder Mapping", "leadership", "intermediate"), ("Feedback Delivery", "communication", "intermediate"),
          ("AI Fluency", "technology", "beginner")]),
    (T2, [("Dashboard Reading", "data", "beginner"), ("Data Storytelling", "data", "intermediate"),
          ("Causal Reasoning", "data", "advanced"), ("Project Scoping", "delivery", "beginner"),
          ("Running Retrospectives", "delivery", "intermediate"), ("Stakeholder Communication", "communication",
                                                                   "intermediate")]),
]:
    for name, domain, level in rows:
        SKILLS[(tenant, name)] = add("skills", tenant, name=name, domain=domain, level=level,
                                     created_at=ts("2025-08-01 09:00"))

for tenant, nn, name, mastery, assessed in [
    (T1, 8, "Active Listening", 82.5, "2026-10-14 19:05"), (T1, 8, "Powerful Questioning", 41.0, "2026-10-14 19:05"),
    (T1, 8, "Action Design", 66.67, "2026-10-14 19:05"), (T1, 8, "Change Leadership", 35.0, "2026-11-17 18:05"),
    (T1, 8, "Stakeholder Mapping", 28.0, "2026-11-19 18:29"), (T1, 8, "AI Fluency", 64.0, "2026-11-12 08:37"),
    (T1, 9, "Active Listening", 38.5, "2026-11-04 12:20"), (T1, 9, "Powerful Questioning", 88.0, "2026-11-04 12:20"),
    (T1, 9, "Action Design", 60.0, "2026-11-18 12:23"),
    (T1, 13, "Change Leadership", 52.0, "2026-11-20 21:04"), (T1, 13, "AI Fluency", 45.5, "2026-10-22 20:06"),
    (T1, 13, "Feedback Delivery", 71.0, "2026-09-30 10:00"),
    (T2, 11, "Dashboard Reading", 86.0, "2026-11-05 08:15"), (T2, 11, "Causal Reasoning", 40.0, "2026-11-19 07:50"),
    (T2, 11, "Project Scoping", 92.0, "2026-11-12 16:40"), (T2, 11, "Running Retrospectives", 79.5, "2026-11-16 17:06"),
    (T2, 8, "Dashboard Reading", 40.0, "2026-11-21 10:36"), (T2, 8, "Data Storytelling", 22.0, "2026-11-21 10:36"),
]:
    add("user_skills", tenant, user_id=user(nn), skill_id=SKILLS[(tenant, name)], mastery_level=dec(mastery),
        last_assessed_at=ts(assessed))

for tenant, nn, cur, target, trend, pct, status, eta, calc, expires in [
    (T1, 8, 3.5, 3.0, "accelerating", 16.67, "ahead", "2027-01-08", "2026-11-21 06:00", "2026-11-28 06:00"),
    (T1, 9, 1.2, 2.5, "declining", -22.5, "at_risk", "2027-03-15", "2026-11-21 06:00", "2026-11-28 06:00"),
    (T1, 13, 2.0, 2.0, "stable", 0.0, "on_track", "2027-02-01", "2026-11-14 06:00", "2026-11-21 06:00"),
    (T2, 11, 2.1, 2.0, "stable", 4.0, "on_track", "2026-12-18", "2026-11-21 06:00", "2026-11-28 06:00"),
]:
    add("learner_velocity_analytics", tenant, user_id=user(nn), current_pace=dec(cur), target_pace=dec(target),
        trend_direction=trend, trend_percentage=dec(pct), status=status, estimated_completion=eta,
        calculated_at=ts(calc), expires_at=ts(expires))


def days(start, end):
    from datetime import date, timedelta
    d0, d1 = date.fromisoformat(start), date.fromisoformat(end)
    return [(d0 + timedelta(days=i)).isoformat() for i in range((d1 - d0).days + 1)]


# (tenant, user) -> active dates, and point transactions (date time, points, activity, metadata)
ACTIVITY = {
    (T1, 8): days("2026-09-21", "2026-09-22") + days("2026-10-01", "2026-10-14") + days("2026-11-15", "2026-11-21"),
    (T1, 9): ["2026-11-04"] + days("2026-11-08", "2026-11-09") + days("2026-11-17", "2026-11-21"),
    (T1, 13): ["2026-10-22"] + days("2026-11-01", "2026-11-04") + days("2026-11-20", "2026-11-21"),
    (T1, 7): ["2026-09-18"] + days("2026-11-19", "2026-11-21"),
    (T2, 11): ["2026-11-03"] + days("2026-11-05", "2026-11-06") + days("2026-11-10", "2026-11-21"),
    (T2, 8): days("2026-11-20", "2026-11-21"),
}
L, Q = "lesson_completed", "quiz_passed"
POINTS = {
    (T1, 8): [
        ("2026-09-22 18:35", 50, L, {"lesson_id": LESSON["fcc1"]}),
        ("2026-09-22 18:35", 100, Q, {"quiz_id": QUIZ["fcc1"], "score": 100}),
        ("2026-10-02 20:17", 50, L, {"lesson_id": LESSON["fcc2"]}),
        ("2026-10-02 20:17", 100, Q, {"quiz_id": QUIZ["fcc2"], "score": 80}),
        ("2026-10-07 21:00", 70, "streak_bonus", {"streak_days": 7}),
        ("2026-10-12 07:48", 50, L, {"lesson_id": LESSON["fcc3"]}),
        ("2026-10-12 07:48", 100, Q, {"quiz_id": QUIZ["fcc3"], "score": 100}),
        ("2026-10-13 19:43", 100, Q, {"quiz_id": QUIZ["fcc"], "score": 100}),
        ("2026-10-13 19:43", 250, "course_completed", {"course_id": COURSE["fcc"]}),
        ("2026-10-14 19:05", 75, "assessment_completed", {"assessment_id": CORE_I, "score": 75}),
        ("2026-10-14 21:00", 140, "streak_bonus", {"streak_days": 14}),
        ("2026-11-16 20:02", 20, "workshop_registered", {"workshop_id": WORKSHOPS["masterclass"]}),
        ("2026-11-17 18:05", 50, L, {"lesson_id": LESSON["ltc1"]}),
        ("2026-11-17 18:05", 100, Q, {"quiz_id": QUIZ["ltc1"], "score": 100}),
        ("2026-11-19 20:00", 150, "workshop_completed", {"workshop_id": WORKSHOPS["sprint"]}),
        ("2026-11-21 21:00", 70, "streak_bonus", {"streak_days": 7}),
    ],
    (T1, 9): [
        ("2026-11-04 12:20", 75, "assessment_completed", {"assessment_id": CORE_I, "score": 75}),
        ("2026-11-09 12:05", 50, L, {"lesson_id": LESSON["fcc1"]}),
        ("2026-11-09 12:05", 100, Q, {"quiz_id": QUIZ["fcc1"], "score": 80}),
        ("2026-11-18 12:23", 10, "quiz_attempted", {"quiz_id": QUIZ["fcc2"], "score": 20}),
        ("2026-11-20 07:40", 10, "content_viewed", {"content_block_id": BLOCKS["fcc2"][0]}),
        ("2026-11-21 07:35", 5, "daily_login", None),
    ],
    (T1, 13): [
        ("2026-10-22 20:06", 75, "assessment_completed", {"adaptability_assessment_id": GRACE_ADAPT}),
        ("2026-11-02 06:50", 10, "content_viewed", {"resource": "coaching_model", "slug": "adaptive-leadership-loop"}),
        ("2026-11-20 21:04", 50, L, {"lesson_id": LESSON["ltc1"]}),
        ("2026-11-20 21:04", 100, Q, {"quiz_id": QUIZ["ltc1"], "score": 100}),
        ("2026-11-21 06:30", 5, "daily_login", None),
    ],
    (T1, 7): [
        ("2026-09-18 14:26", 75, "assessment_completed", {"adaptability_assessment_id": CLARA_ADAPT}),
        ("2026-11-19 20:00", 150, "workshop_completed", {"workshop_id": WORKSHOPS["sprint"]}),
        ("2026-11-20 18:00", 20, "review_written", {"workshop_id": WORKSHOPS["sprint"]}),
        ("2026-11-21 09:00", 5, "daily_login", None),
    ],
    (T2, 11): [
        ("2026-11-03 08:07", 10, "quiz_attempted", {"quiz_id": QUIZ["dlm1"], "score": 60}),
        ("2026-11-05 08:15", 50, L, {"lesson_id": LESSON["dlm1"]}),
        ("2026-11-05 08:15", 100, Q, {"quiz_id": QUIZ["dlm1"], "score": 100}),
        ("2026-11-10 08:15", 75, "assessment_completed", {"assessment_id": NS_CORE, "score": 75}),
        ("2026-11-12 16:40", 50, L, {"lesson_id": LESSON["rep1"]}),
        ("2026-11-15 18:00", 50, L, {"lesson_id": LESSON["rep2"]}),
        ("2026-11-16 17:06", 100, Q, {"quiz_id": QUIZ["rep"], "score": 100}),
        ("2026-11-16 17:06", 250, "course_completed", {"course_id": COURSE["rep"]}),
        ("2026-11-16 21:00", 70, "streak_bonus", {"streak_days": 7}),
        ("2026-11-19 07:50", 10, "content_viewed", {"content_block_id": BLOCKS["dlm2"][0]}),
        ("2026-11-21 07:30", 5, "daily_login", None),
    ],
    (T2, 8): [
        ("2026-11-20 10:00", 20, "course_enrolled", {"course_id": COURSE["dlm"]}),
        ("2026-11-21 10:36", 10, "quiz_attempted", {"quiz_id": QUIZ["dlm1"], "score": 40}),
    ],
}


def streaks(dates, today="2026-11-22"):
    from datetime import date
    ds = sorted(date.fromisoformat(d) for d in set(dates))
    runs, run = [], [ds[0]]
    for d in ds[1:]:
        if (d - run[-1]).days == 1:
            run.append(d)
        else:
            runs.append(run)
            run = [d]
    runs.append(run)
    gap = (date.fromisoformat(today) - runs[-1][-1]).days
    current = len(runs[-1]) if gap <= 1 else 0
    return current, max(len(r) for r in runs)


ACH = {}
for tenant, rows in [
    (T1, [("first_steps", "First Steps", "Complete your first lesson.", "👣", "beginner",
           {"type": "lessons_completed", "threshold": 1}),
          ("week_streak", "Week Streak", "Learn seven days in a row.", "🔥", "intermediate",
           {"type": "streak_days", "threshold": 7}),
          ("point_collector", "Point Collector", "Earn 500 points.", "💎", "intermediate",
           {"type": "points_total", "threshold": 500}),
          ("workshop_graduate", "Workshop Graduate", "Complete a live workshop.", "🎓", "intermediate",
           {"type": "workshops_completed", "threshold": 1}),
          ("quiz_master", "Quiz Master", "Pass five quizzes.", "🧠", "advanced",
           {"type": "quizzes_passed", "threshold": 5}),
          ("elite_learner", "Elite Learner", "Earn 2,000 points.", "🏆", "elite",
           {"type": "points_total", "threshold": 2000})]),
    (T2, [("first_steps", "First Steps", "Complete your first lesson.", "👣", "beginner",
           {"type": "lessons_completed", "threshold": 1}),
          ("week_streak", "Week Streak", "Learn seven days in a row.", "🔥", "intermediate",
           {"type": "streak_days", "threshold": 7}),
          ("point_collector", "Point Collector", "Earn 500 points.", "💎", "intermediate",
           {"type": "points_total", "threshold": 500})]),
]:
    for code, name, desc, icon, tier, criteria in rows:
        ACH[(tenant, code)] = add("achievements", tenant, code=code, name=name, description=desc, icon=icon,
                                  tier=tier, criteria=criteria, created_at=ts("2025-08-01 09:00"))

for key in POINTS:
    tenant, nn = key
    total = 0
    earned = {}
    lessons = quizzes = workshops = 0
    for when, pts, activity, meta in POINTS[key]:
        assert when.split(" ")[0] in ACTIVITY[key], (key, when)
        add("point_transactions", tenant, user_id=user(nn), points=pts, activity_type=activity, metadata=meta,
            timestamp=ts(when))
        total += pts
        lessons += activity == L
        quizzes += activity == Q
        workshops += activity == "workshop_completed"
        if activity == "streak_bonus" and meta["streak_days"] >= 7:
            earned.setdefault("week_streak", when)
        for code, cond in [("first_steps", lessons >= 1), ("quiz_master", quizzes >= 5),
                           ("workshop_graduate", workshops >= 1), ("point_collector", total >= 500),
                           ("elite_learner", total >= 2000)]:
            if cond and (tenant, code) in ACH:
                earned.setdefault(code, when)
    current, longest = streaks(ACTIVITY[key])
    last = max(w for w, _, _, _ in POINTS[key])
    add("user_points", tenant, user_id=user(nn), total_points=total, current_level=1 + total // 500,
        current_streak=current, longest_streak=longest, updated_at=ts(last))
    for code, when in earned.items():
        add("user_achievements", tenant, user_id=user(nn), achievement_id=ACH[(tenant, code)], earned_at=ts(when))
    for d in ACTIVITY[key]:
        times = [w for w, _, _, _ in POINTS[key] if w.startswith(d)]
        add("daily_activity", tenant, user_id=user(nn), date=d,
            last_activity_at=ts(max(times)) if times else ts(f"{d} 19:{(int(d[-2:]) * 7) % 60:02d}"))

for tenant, nn, kind, data, conf, calc, expires in [
    (T1, 8, "drop_off_risk",
     {"risk_level": "low", "probability": 0.12, "factors": ["7-day streak", "weekly quiz activity"],
      "suggested_nudge": None}, 86.5, "2026-11-21 06:00", "2026-11-23 06:00"),
    (T1, 8, "forecast",
     {"course_id": COURSE["ltc"], "predicted_completion": "2026-12-12", "weekly_minutes_needed": 45,
      "on_track": True}, 74.0, "2026-11-21 06:00", "2026-11-23 06:00"),
    (T1, 8, "recommendations",
     {"items": [{"type": "learning_path", "id": PATH_IDS["The Art of Questioning"][0], "reason": "weakest competency"},
                {"type": "workshop", "id": WORKSHOPS["masterclass"], "reason": "already registered; prepare lesson 2"}]},
     69.0, "2026-11-21 06:00", "2026-11-23 06:00"),
    (T1, 9, "drop_off_risk",
     {"risk_level": "high", "probability": 0.64, "factors": ["failed quiz attempt", "pace 52% below target",
                                                               "cancelled workshop"],
      "suggested_nudge": "Offer a study buddy for lesson 2"}, 71.25, "2026-11-21 06:00", "2026-11-23 06:00"),
    (T1, 9, "recommendations",
     {"items": [{"type": "lesson", "id": LESSON["fcc2"], "reason": "retry the quiz after the worksheet"}]},
     58.0, "2026-11-08 06:00", "2026-11-10 06:00"),  # expired
    (T2, 11, "forecast",
     {"course_id": COURSE["dlm"], "predicted_completion": "2026-12-18", "weekly_minutes_needed": 60,
      "on_track": True}, 81.0, "2026-11-21 06:00", "2026-11-23 06:00"),
]:
    add("predictive_analytics_cache", tenant, user_id=user(nn), analytics_type=kind, data=data,
        confidence_score=dec(conf), calculated_at=ts(calc), expires_at=ts(expires))

for tenant, nn, privacy, analytics, notifications in [
    (T1, 8, "public", {"dropOffRisk": True, "forecasting": True, "recommendations": True},
     {"email": True, "push": True, "weekly_digest": True, "streak_reminders": True}),
    (T1, 9, "anonymous", {"dropOffRisk": False, "forecasting": True, "recommendations": True},
     {"email": True, "push": False, "weekly_digest": True, "streak_reminders": False}),
    (T1, 13, "hidden", {"dropOffRisk": True, "forecasting": False, "recommendations": True},
     {"email": False, "push": False, "weekly_digest": False}),
    (T1, 7, "public", {"dropOffRisk": True, "forecasting": True, "recommendations": True},
     {"email": True, "push": False, "weekly_digest": True}),
    (T2, 11, "public", {"dropOffRisk": True, "forecasting": True, "recommendations": True},
     {"email": True, "push": True, "weekly_digest": False}),
    (T2, 8, "anonymous", {"dropOffRisk": True, "forecasting": True, "recommendations": False},
     {"email": True, "push": False}),
]:
    add("user_preferences", tenant, user_id=user(nn), leaderboard_privacy=privacy,
        predictive_analytics_enabled=analytics, notification_preferences=notifications,
        updated_at=ts("2026-11-01 09:00"))

# ====================================================================
# checks and output
# ====================================================================

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$")
OUR_ID = re.compile(r"\b([0-9a-f]{8})-(000[0-2])-4000-8000-[0-9]{12}\b")


def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)


def entity_columns():
    """Column -> Rust type of every generated entity, read from crates/entity/src/generated."""
    cols = {}
    for f in (ROOT / "crates/entity/src/generated").glob("*.rs"):
        body = f.read_text()
        m = re.search(r"pub struct Model \{(.*?)\n\}", body, re.S)
        if m:
            cols[f.stem] = {name.removeprefix("r#"): ty.strip() for name, ty in
                            re.findall(r"pub ([a-z_#]+): ([^,]+),", m.group(1))}
    return cols


def check():
    # Every key is a real column (serde ignores unknown keys), and every NOT NULL timestamp, date or time
    # column is given: the loader fills omitted columns with dummy values that only round-trip for the
    # other types.
    cols = entity_columns()
    for table, rows in TABLES.items():
        required = [c for c, ty in cols[table].items() if ty in ("DateTimeWithTimeZone", "Date", "Time")]
        for r in rows:
            unknown = set(r) - set(cols[table])
            assert not unknown, (table, r["id"], unknown)
            missing = [c for c in required if c not in r]
            assert not missing, (table, r["id"], "missing", missing)
    for table, rows in UPDATES.items():
        required = [c for c, ty in cols[table].items() if ty in ("DateTimeWithTimeZone", "Date", "Time")]
        for r in rows:
            assert not set(r) - set(cols[table]), (table, r)
            assert all(c in r for c in required), (table, r)
    all_ids = {}
    for table, rows in TABLES.items():
        assert table in PREFIX, table
        for r in rows:
            i = r["id"]
            assert UUID_RE.match(i), (table, i)
            assert i not in all_ids, ("duplicate id", i, table, all_ids[i])
            assert i.startswith(PREFIX[table]), (table, i)
            all_ids[i] = table
    # every id mentioned anywhere (columns, JSON, certificate numbers) exists and is in the row's tenant
    for table, rows in list(TABLES.items()) + list(UPDATES.items()):
        for r in rows:
            tenant_no = TENANT_NO.get(r.get("tenant_id") or row_tenant(table, r["id"]), 0)
            for s in strings({k: v for k, v in r.items() if k not in ("id", "tenant_id")}):
                for m in OUR_ID.finditer(s):
                    ref = m.group(0)
                    assert ref in all_ids, (table, r["id"], "dangling", ref)
                    t = int(m.group(2))
                    assert t in (0, tenant_no), (table, r["id"], "cross-tenant", ref)
    for table, rows in UPDATES.items():
        for r in rows:
            assert all_ids.get(r["id"]) == table, (table, r["id"])
    return len(all_ids)


def row_tenant(table, id_):
    for r in TABLES.get(table, []):
        if r["id"] == id_:
            return r.get("tenant_id")
    return None


def render():
    files = OrderedDict((f, OrderedDict()) for f in
                        ["identity", "competency", "learning", "workshops_commerce", "coaching", "analytics"])
    for table, rows in TABLES.items():
        files[FILE_OF[table]][table] = rows
    for table, rows in UPDATES.items():
        files[FILE_OF[table]][f"{table}@update"] = rows
    return {f: json.dumps(doc, indent=2, ensure_ascii=False) + "\n" for f, doc in files.items()}


def complete_updates():
    """The loader builds each partial row like an insert, so it needs the NOT NULL timestamps too; they are
    copied unchanged from the inserted row."""
    cols = entity_columns()
    for table, rows in UPDATES.items():
        required = [c for c, ty in cols[table].items() if ty in ("DateTimeWithTimeZone", "Date", "Time")]
        for r in rows:
            src = row_of(table, r["id"])
            for c in required:
                r.setdefault(c, src[c])


def main():
    complete_updates()
    n = check()
    out = render()
    if "--check" in sys.argv:
        stale = [f for f, text in out.items() if (SEEDS / f"{f}.json").read_text() != text]
        if stale:
            sys.exit(f"seeds out of date: {', '.join(stale)} (run scripts/gen_seeds.py)")
        print(f"seeds up to date: {n} rows")
        return
    for f, text in out.items():
        (SEEDS / f"{f}.json").write_text(text)
    for table, rows in TABLES.items():
        print(f"{FILE_OF[table]:>18}  {table:<30} {len(rows):>4}")
    print(f"{'':>18}  {'total':<30} {n:>4}")


if __name__ == "__main__":
    main()
