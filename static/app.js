// Switchboard's browser code: only what must run in the browser. Everything else is server-rendered HTML
// swapped by htmx. No inline scripts exist (the CSP forbids them), so behaviour hangs off data attributes.
(function () {
  "use strict";

  // The server renders times in the viewer's zone; tell it which one that is.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; SameSite=Lax; max-age=31536000";
  } catch (e) { /* keep UTC */ }

  var encoder = new TextEncoder();
  var selectedKey = "switchboard:selected-pane";
  var acceptingID = null;

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  // ---- Interaction bar and panes -------------------------------------------------------------------
  function panes() { return $all("#interaction-panes > .pane"); }

  function selectPane(id, focusComposer) {
    var list = panes();
    var target = id && document.getElementById(id);
    if (!target && list.length) target = list[0];
    list.forEach(function (pane) { pane.hidden = pane !== target; });
    $all(".interaction-bar .tab").forEach(function (tab) {
      var on = target && tab.getAttribute("data-pane") === target.id;
      tab.classList.toggle("current", !!on);
      tab.setAttribute("aria-current", on ? "true" : "false");
    });
    var empty = $("#interaction-panes > .empty-state");
    if (empty) empty.hidden = list.length > 0;
    if (target) {
      sessionStorage.setItem(selectedKey, target.id);
      scrollToEnd(target);
      if (focusComposer) {
        var text = $("textarea[name=text]", target);
        if (text) text.focus();
      }
    }
  }

  function currentPaneID() {
    var shown = panes().filter(function (p) { return !p.hidden; })[0];
    return shown ? shown.id : sessionStorage.getItem(selectedKey);
  }

  function scrollToEnd(pane) {
    var transcript = $(".transcript", pane);
    if (transcript) transcript.scrollTop = transcript.scrollHeight;
  }

  document.addEventListener("click", function (event) {
    var tab = event.target.closest(".interaction-bar .tab");
    if (tab) { selectPane(tab.getAttribute("data-pane"), true); return; }
    var toggle = event.target.closest("[data-toggle]");
    if (toggle) {
      var panel = document.getElementById(toggle.getAttribute("data-toggle"));
      if (panel) {
        panel.hidden = !panel.hidden;
        var first = !panel.hidden && $("select, textarea, input", panel);
        if (first) first.focus();
      }
      return;
    }
    var accept = event.target.closest("[data-testid=offer-accept]");
    if (accept) acceptingID = "pane-" + accept.closest("[data-interaction-id]").getAttribute("data-interaction-id");
  });

  // ---- Composer: Enter sends, byte counter, drafts --------------------------------------------------
  function draftKey(textarea) { return "switchboard:" + textarea.getAttribute("data-draft-key"); }

  function updateComposer(textarea) {
    var form = textarea.closest("form");
    var max = parseInt(textarea.getAttribute("data-max-bytes"), 10) || 0;
    var bytes = encoder.encode(textarea.value).length;
    var counter = $("[data-testid=byte-counter]", form);
    var error = $("[data-testid=composer-error]", form);
    var send = $("button[type=submit]", form);
    var over = max > 0 && bytes > max;
    if (counter) {
      counter.textContent = bytes + " / " + max + " bytes";
      counter.classList.toggle("over", over);
    }
    if (over) {
      error.textContent = "The message is " + bytes + " bytes; the maximum is " + max + " bytes. Shorten it to send.";
      error.setAttribute("data-client", "true");
    } else if (error.getAttribute("data-client") === "true") {
      error.textContent = "";
      error.removeAttribute("data-client");
    }
    // A file waiting to be sent (static/attachments.js) makes Send useful without text.
    send.disabled = over || (textarea.value.trim() === "" && !form.hasAttribute("data-has-attachment"));
  }

  document.addEventListener("input", function (event) {
    var textarea = event.target;
    if (!textarea.matches || !textarea.matches(".composer textarea[name=text]")) return;
    if (textarea.value) sessionStorage.setItem(draftKey(textarea), textarea.value);
    else sessionStorage.removeItem(draftKey(textarea));
    updateComposer(textarea);
  });

  document.addEventListener("keydown", function (event) {
    var textarea = event.target;
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    if (!textarea.matches || !textarea.matches(".composer textarea[name=text]")) return;
    event.preventDefault();
    var send = $("button[type=submit]", textarea.closest("form"));
    if (!send.disabled) textarea.closest("form").requestSubmit(send);
  });

  // A composer that appears (page load, reconnect re-render) gets back what was typed before.
  function initComposers(root) {
    $all(".composer textarea[name=text]", root).forEach(function (textarea) {
      if (!textarea.value) {
        var draft = sessionStorage.getItem(draftKey(textarea));
        if (draft) textarea.value = draft;
      }
      updateComposer(textarea);
    });
  }

  // ---- Offers: countdown and title ------------------------------------------------------------------
  var baseTitle = document.title;
  function tick() {
    var now = Date.now();
    $all(".countdown[data-expires-at]").forEach(function (el) {
      var left = Math.max(0, Math.round((parseInt(el.getAttribute("data-expires-at"), 10) - now) / 1000));
      el.textContent = left + "s";
      el.classList.toggle("urgent", left <= 5);
    });
    var offers = $all("[data-testid=offer]").length;
    document.title = (offers ? "(" + offers + ") " : "") + baseTitle;
  }
  setInterval(tick, 1000);

  // ---- htmx integration ------------------------------------------------------------------------------
  // Appends into lists marked data-append-unique skip elements already present: the same message or pane
  // can reach a tab through both an action response and the event stream.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    var first = event.detail.fragment && event.detail.fragment.firstElementChild;
    if (target && target.hasAttribute("data-append-unique") && first && first.id && document.getElementById(first.id)) {
      event.preventDefault();
    }
  });

  function afterChange(root) {
    initComposers(root || document);
    var wanted = acceptingID && document.getElementById(acceptingID) ? acceptingID : currentPaneID();
    if (acceptingID && document.getElementById(acceptingID)) acceptingID = null;
    selectPane(wanted, false);
    tick();
  }

  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "closed-panes") {
      $all("[data-closed-pane]", target).forEach(function (marker) {
        var pane = document.getElementById(marker.getAttribute("data-closed-pane"));
        if (pane) pane.remove();
        sessionStorage.removeItem("switchboard:draft-" + marker.getAttribute("data-closed-pane").slice(5));
        marker.remove();
      });
      selectPane(currentPaneID(), false);
      return;
    }
    if (target && target.matches && target.matches("ol.messages")) {
      var pane = target.closest(".pane");
      if (pane && !pane.hidden) scrollToEnd(pane);
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) { afterChange(event.detail.elt); });
  document.addEventListener("htmx:sseMessage", function () { afterChange(document); });

  // A sent message's draft goes before the fresh composer is swapped in (and would restore it).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = event.detail.elt;
    if (event.detail.xhr.status === 200 && form.matches && form.matches(".composer")) {
      var textarea = $("textarea[name=text]", form);
      if (textarea) sessionStorage.removeItem(draftKey(textarea));
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.matches && elt.matches(".composer")) {
      var fresh = document.getElementById(elt.id) || elt;
      var textarea = $("textarea[name=text]", fresh);
      if (textarea) { initComposers(fresh.parentNode); textarea.focus(); }
    }
  });

  // Live-update connection state, and leaving when the session was revoked elsewhere.
  document.addEventListener("htmx:sseOpen", function (event) {
    var status = $("#stream-status");
    if (status) status.hidden = true;
    var source = event.detail.source;
    if (source && !source.switchboardSignedOut) {
      source.switchboardSignedOut = true;
      source.addEventListener("signedout", function () { window.location.href = "/login"; });
    }
  });
  document.addEventListener("htmx:sseError", function () {
    var status = $("#stream-status");
    if (status) status.hidden = false;
  });

  document.addEventListener("DOMContentLoaded", function () {
    var remembered = sessionStorage.getItem(selectedKey);
    initComposers(document);
    selectPane(remembered, false);
    tick();
    // Lets tests (and anything else) know the page's handlers are in place.
    document.documentElement.setAttribute("data-app-ready", "true");
  });
})();
