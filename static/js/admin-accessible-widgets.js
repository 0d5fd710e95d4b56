// The admin's third-party widgets, in the reader's language and named to assistive technology as the rest of the
// page is: the translation tabs and the language switch name each language in itself (Қазақша, 简体中文) as the
// header's language switcher does, instead of by its code; the search field of a many-choice autocomplete
// (Select2) takes its field's label, Select2's "clear" cross is an item of the list it sits in, the language switch
// is named, and a language tab holds no second focusable link (jQuery UI's tabs are reached with the arrow keys on
// the tab itself).
(function () {
  "use strict";

  function languageNames() {
    var names = {};
    document.querySelectorAll(".language-switcher button[name=language]").forEach(function (button) {
      names[button.value] = button.textContent.trim();
    });
    return names;
  }

  function nameTheTabs() {
    var names = languageNames();
    document.querySelectorAll(".ui-tabs-nav a, #modeltranslation-main-switch option").forEach(function (tab) {
      var code = tab.textContent.trim();
      if (Object.prototype.hasOwnProperty.call(names, code)) {
        tab.textContent = names[code];
        tab.setAttribute("lang", code);
      }
    });
  }

  // A tab's link is only its label: jQuery UI finds the tab's panel by the tab's aria-controls, and is told that a
  // tab without an address is on the page (it would load one otherwise).
  var tabsPatched = false;
  function localTabs() {
    var jq = window.jQuery || (window.django && window.django.jQuery);
    var tabs = jq && jq.ui && jq.ui.tabs;
    if (tabs && !tabsPatched) {
      var isLocal = tabs.prototype._isLocal;
      tabs.prototype._isLocal = function (anchor) {
        return !anchor.hasAttribute("href") || isLocal.call(this, anchor);
      };
      tabsPatched = true;
    }
    return tabsPatched;
  }

  function labelOf(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/[:：]\s*$/, "").trim() : "";
  }

  function mend() {
    nameTheTabs();
    document.querySelectorAll(".select2-container").forEach(function (container) {
      var select = container.previousElementSibling;
      var name = select && select.tagName === "SELECT" ? labelOf(select) : "";
      container.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (field) {
        if (name) {
          field.setAttribute("aria-label", name);
        }
      });
    });
    document.querySelectorAll("ul.select2-selection__rendered > .select2-selection__clear:not([role])").forEach(
      function (cross) {
        cross.setAttribute("role", "listitem");
      }
    );
    var languages = document.getElementById("modeltranslation-main-switch");
    var switcher = document.querySelector(".language-switcher[aria-label]");
    if (languages && switcher && !languages.hasAttribute("aria-label")) {
      languages.setAttribute("aria-label", switcher.getAttribute("aria-label"));
    }
    if (localTabs()) {
      document.querySelectorAll('.ui-tabs-nav li[role="tab"] > a[href^="#"]').forEach(function (anchor) {
        anchor.removeAttribute("href");
      });
    }
  }

  // The widgets are drawn by other scripts once the page is ready, and again for each row an inline adds: mend
  // them whenever the page changes, at most once a frame.
  var pending = false;
  function soon() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        mend();
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    mend();
    new MutationObserver(soon).observe(document.body, { childList: true, subtree: true });
  });
})();
