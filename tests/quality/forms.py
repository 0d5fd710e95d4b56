"""The forms of a page read as a browser reads them, the ways a person can submit them, and what a refusal says."""

import json
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

NOT_TYPED = {"submit", "image", "button", "reset"}


@dataclass(frozen=True)
class Submission:
    """One click: the form's method and address, the name/value pairs a browser would send, and how they came."""

    method: str
    action: str
    data: tuple[tuple[str, str], ...]
    how: str
    # Another button of the same form sends the same fields; where its redirect leads is a page walked anyway.
    follow: bool = True

    def payload(self):
        values = {}
        for name, value in self.data:
            values.setdefault(name, []).append(value)
        return values

    def __str__(self):
        return f"{self.method.upper()} {self.action} ({self.how})"


@dataclass
class Control:
    name: str
    kind: str  # an input's type, "select", "select-multiple" or "textarea"
    default: list[str]  # what a browser sends untouched
    options: list[str]


@dataclass
class Form:
    method: str
    action: str
    controls: list[Control]
    buttons: list[tuple[str, str]]  # named submit buttons, the first is the one Enter presses
    label: str

    @property
    def names(self):
        return frozenset(control.name for control in self.controls)

    def data(self, *, empty=False, overrides=None, button=None):
        """The pairs a browser sends: the defaults, or every field a person can clear cleared (hidden ones stay)."""
        overrides = overrides or {}
        pairs = []
        for control in self.controls:
            if control.name in overrides:
                pairs += [(control.name, value) for value in overrides[control.name]]
            elif control.kind == "hidden" or not empty:
                pairs += [(control.name, value) for value in control.default]
            elif control.kind not in {"checkbox", "radio", "file", "select-multiple"}:
                pairs.append((control.name, ""))
        if button is None and self.buttons:
            button = self.buttons[0]
        if button and button[0]:
            pairs.append(button)
        return tuple(pairs)

    def submissions(self, every_choice=False):
        """Every way to send this form: its defaults with each button, all emptied, and each listed action;
        with every_choice, also each other option of each list (a confirmation step's "new status")."""
        clicks = [Submission(self.method, self.action, self.data(), f"{self.label}, defaults")]
        for button in self.buttons[1:]:
            how = f"{self.label}, defaults, button {button[0]}={button[1]}"
            clicks.append(Submission(self.method, self.action, self.data(button=button), how, follow=False))
        clicks.append(Submission(self.method, self.action, self.data(empty=True), f"{self.label}, empty"))
        clicks += self.actions()
        for control in self.controls if every_choice else []:
            for option in control.options if control.kind == "select" else []:
                how = f"{self.label}, {control.name}={option}"
                clicks.append(Submission(self.method, self.action, self.data(overrides={control.name: [option]}), how))
        unique = {}
        for click in clicks:
            unique.setdefault((click.method, click.action, click.data), click)
        return list(unique.values())

    def action_names(self):
        """The actions of a list of rows (the admin's changelist: a select named action beside row checkboxes)."""
        action = next((c for c in self.controls if c.name == "action" and c.kind == "select"), None)
        if action is None or not any(c.name == "_selected_action" for c in self.controls):
            return []
        return [name for name in action.options if name]

    def actions(self):
        """Each action of the list, run on every row."""
        rows = [control for control in self.controls if control.name == "_selected_action"]
        every_row = [value for control in rows for value in control.options]
        return [
            Submission(
                self.method,
                self.action,
                self.data(overrides={"action": [name], "_selected_action": every_row}),
                f"action {name} on every row",
            )
            for name in self.action_names()
        ]


def forms_of(html, page_url):
    """Every form of a page, with its controls and their defaults, as a browser would send them."""
    soup = BeautifulSoup(html, "html.parser")
    forms = []
    for number, element in enumerate(soup.find_all("form"), 1):
        method = (element.get("method") or "get").lower()
        action = urljoin(page_url, element.get("action") or page_url)
        controls, buttons = [], []
        for tag in element.find_all(["input", "select", "textarea", "button"]):
            name = tag.get("name")
            if tag.has_attr("disabled"):
                continue
            kind = (tag.get("type") or ("submit" if tag.name == "button" else "text")).lower()
            if tag.name in {"input", "button"} and kind in NOT_TYPED:
                if kind in {"submit", "image"}:
                    buttons.append((name or "", tag.get("value", "")))
                continue
            if not name:
                continue
            if tag.name == "select":
                options = [option.get("value", option.get_text()) for option in tag.find_all("option")]
                chosen = [
                    option.get("value", option.get_text())
                    for option in tag.find_all("option")
                    if option.has_attr("selected")
                ]
                multiple = tag.has_attr("multiple")
                if not multiple and not chosen and options:
                    chosen = options[:1]
                controls.append(Control(name, "select-multiple" if multiple else "select", chosen, options))
            elif tag.name == "textarea":
                controls.append(Control(name, "textarea", [tag.get_text().removeprefix("\n")], []))
            elif kind in {"checkbox", "radio"}:
                value = tag.get("value", "on")
                controls.append(Control(name, kind, [value] if tag.has_attr("checked") else [], [value]))
            elif kind == "file":
                controls.append(Control(name, kind, [], []))
            else:
                controls.append(Control(name, kind, [tag.get("value", "")], []))
        label = element.get("id") or element.get("aria-label") or f"form {number} to {urlsplit(action).path}"
        forms.append(Form(method, action, controls, buttons, label))
    return forms


# ---------------------------------------------------------------- what a refusal says

ERRORS = ", ".join(
    [
        ".messages .message-error",
        ".messages .message-warning",
        ".messagelist .error",
        ".messagelist .warning",
        ".errorlist",
        ".errornote",
        ".field-errors",
    ]
)


def refusal_messages(response):
    """The error messages an answer shows: JSON errors, messages, form errors; a bare error page's text."""
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/json"):
        body = json.loads(response.content or b"{}")
        return [str(body["error"])] if isinstance(body, dict) and body.get("error") else []
    if not content_type.startswith("text/html"):
        return []
    soup = BeautifulSoup(response.content, "html.parser")
    shown = [" ".join(tag.get_text(" ").split()) for tag in soup.select(ERRORS)]
    shown = [text for text in shown if text]
    if not shown and response.status_code >= 400:
        main = soup.find("main") or soup.body or soup
        text = " ".join(main.get_text(" ").split())
        shown = [text] if text else []
    return shown


# Words that every English sentence is made of and that no Kazakh, Russian or Chinese message contains.
ENGLISH_WORDS = {
    *("the", "and", "you", "your", "this", "that", "with", "not", "are", "was", "were", "has", "have", "can"),
    *("cannot", "could", "only", "must", "please", "will", "been", "being", "into", "from", "there", "their"),
    *("which", "when", "what", "yet", "may", "any", "here", "for", "its", "it's", "is", "be"),
}
NOT_WORDS = re.compile(r"\S+@\S+|https?://\S+|/\S*|\S+\.\w{2,4}\b")


def looks_english(text):
    """True when a message reads as English: two or more of the commonest English words, addresses aside."""
    words = set(re.findall(r"[a-z']+", NOT_WORDS.sub(" ", text.lower())))
    return len(words & ENGLISH_WORDS) >= 2
