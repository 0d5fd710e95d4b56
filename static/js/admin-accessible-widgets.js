// The admin's third-party widgets, in the reader's language and named to assistive technology as the rest of the
// page is: the translation tabs and the language switch name each language in itself (Қазақша, 简体中文) as the
// header's language switcher does, instead of by its code, and a tab's tooltip names it in the page's language;
// Select2 speaks Kazakh too; the search field of a many-choice autocomplete (Select2) takes its field's label,
// Select2's "clear" cross is an item of the list it sits in, the language switch is named, and a language tab holds
// no second focusable link (jQuery UI's tabs are reached with the arrow keys on the tab itself).
(function () {
  "use strict";

  // Select2 ships no Kazakh, so Django's admin loads none of its catalogues on a Kazakh page
  // (admin/js/vendor/select2/i18n/<lang>.js exists for the others) and Select2 would speak English. It is defined
  // here, under the name Select2 asks for when the page is in Kazakh, before the admin draws its autocompletes (this
  // script is deferred: Select2 has loaded, the page is not ready yet).
  var KAZAKH_SELECT2 = {
    errorLoading: function () {
      return "Нәтижелерді жүктеу мүмкін болмады";
    },
    inputTooLong: function (args) {
      return "Тағы " + (args.input.length - args.maximum) + " таңбаны өшіріңіз";
    },
    inputTooShort: function (args) {
      return "Тағы кемінде " + (args.minimum - args.input.length) + " таңба енгізіңіз";
    },
    loadingMore: function () {
      return "Тағы нәтижелер жүктелуде…";
    },
    maximumSelected: function (args) {
      return "Ең көбі " + args.maximum + " элемент таңдауға болады";
    },
    noResults: function () {
      return "Ештеңе табылмады";
    },
    searching: function () {
      return "Іздеу…";
    },
    removeAllItems: function () {
      return "Барлығын алып тастау";
    },
  };
  var adminJQuery = (window.django && window.django.jQuery) || window.jQuery;
  if (adminJQuery && adminJQuery.fn && adminJQuery.fn.select2 && adminJQuery.fn.select2.amd) {
    adminJQuery.fn.select2.amd.define("select2/i18n/kk", [], function () {
      return KAZAKH_SELECT2;
    });
  }

  function languageNames() {
    var names = {};
    document.querySelectorAll(".language-switcher button[name=language]").forEach(function (button) {
      names[button.value] = button.textContent.trim();
    });
    return names;
  }

  // The languages' names in the page's language: the fields of a translated record carry them
  // (config.admin.TranslationStatusAdmin), else the browser's, where it knows the page's language (Chromium knows
  // none in Kazakh: it would show the codes, "Ru").
  function namesHere(code) {
    var field = document.querySelector('[data-language="' + code + '"][data-language-name]');
    if (field) {
      return field.dataset.languageName;
    }
    try {
      var names = new Intl.DisplayNames([document.documentElement.lang], { type: "language", fallback: "none" });
      var name = names.of(code);
      return name ? name.charAt(0).toUpperCase() + name.slice(1) : "";
    } catch (error) {
      return "";
    }
  }

  function has(names, code) {
    return Object.prototype.hasOwnProperty.call(names, code);
  }

  // A tab holds its language's code (modeltranslation writes it) and may hold a mark after it (js/translation-tabs.js
  // adds "· missing"): only the code becomes the name, once.
  function nameTheTabs() {
    var names = languageNames();
    document.querySelectorAll(".ui-tabs-nav a:not([data-language])").forEach(function (tab) {
      var label = tab.firstChild;
      var code = label && label.nodeType === Node.TEXT_NODE ? label.nodeValue.trim() : "";
      if (!has(names, code)) {
        return;
      }
      label.nodeValue = names[code];
      tab.setAttribute("lang", code);
      tab.setAttribute("data-language", code);
      tab.title = namesHere(code) || names[code];
    });
    document.querySelectorAll("#modeltranslation-main-switch option").forEach(function (option) {
      var code = option.textContent.trim();
      if (has(names, code)) {
        option.textContent = names[code];
        option.setAttribute("lang", code);
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
