// Switchboard's browser code for the Standard Response Library, notifications and the 24-hour rule:
// inserting responses at the caret, /shortcut expansion, response attachments with X to remove them, the
// notification editor's Cancel, and the response window countdown. Everything else is server-rendered.
(function () {
  "use strict";

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  function paneOf(element) { return element.closest(".pane"); }
  function interactionOf(pane) { return pane ? pane.getAttribute("data-interaction-id") : ""; }
  function composerText(pane) { return $(".composer textarea[name=text]", pane); }
  function storageKey(pane) { return "switchboard:attachments-" + interactionOf(pane); }

  // ---- Response window -----------------------------------------------------------------------------
  // Mirrors notify.FormatLeft so the header counts down between server renders.
  function formatLeft(ms) {
    var minutes = Math.ceil(ms / 60000);
    if (minutes >= 60) {
      var rest = minutes % 60;
      return Math.floor(minutes / 60) + " h " + (rest < 10 ? "0" : "") + rest + " min left to reply";
    }
    return minutes + " min left to reply";
  }

  function tickWindows() {
    var now = Date.now();
    $all("[data-window-closes-at]").forEach(function (element) {
      var closesAt = parseInt(element.getAttribute("data-window-closes-at"), 10) || 0;
      var open = closesAt > now;
      element.textContent = open ? formatLeft(closesAt - now) : "Reply window closed: notifications only";
      element.classList.toggle("window-open", open);
      element.classList.toggle("window-closed", !open);
      var pane = paneOf(element);
      if (pane) pane.setAttribute("data-window", open ? "open" : "closed");
    });
  }
  setInterval(tickWindows, 15000);

  // ---- Inserting responses -------------------------------------------------------------------------
  function insertAtCaret(textarea, text, start, end) {
    if (start === undefined) { start = textarea.selectionStart; end = textarea.selectionEnd; }
    textarea.value = textarea.value.slice(0, start) + text + textarea.value.slice(end);
    var caret = start + text.length;
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    textarea.focus();
  }

  function attachmentsOf(element) {
    try { return JSON.parse(element.getAttribute("data-attachments") || "[]"); } catch (e) { return []; }
  }

  // Chips are cloned from the template the server renders, so their markup lives in one place.
  function addChip(pane, file) {
    var box = $(".composer-attachments", pane);
    var template = $(".attachment-chip-template", pane);
    if (!box || !template) return;
    if ($("input[name=attachment][value=\"" + file.id + "\"]", box)) return;
    var chip = template.content.firstElementChild.cloneNode(true);
    $("input[name=attachment]", chip).value = String(file.id);
    $(".chip-name", chip).textContent = file.name;
    $(".chip-size", chip).textContent = file.size || "";
    $("[data-remove-attachment]", chip).setAttribute("aria-label", "Remove " + file.name);
    box.appendChild(chip);
  }

  function chipsOf(pane) {
    return $all(".composer-attachments .chip", pane).map(function (chip) {
      return { id: parseInt($("input[name=attachment]", chip).value, 10), name: $(".chip-name", chip).textContent,
        size: $(".chip-size", chip).textContent };
    });
  }

  function rememberChips(pane) {
    var chips = chipsOf(pane);
    if (chips.length) sessionStorage.setItem(storageKey(pane), JSON.stringify(chips));
    else sessionStorage.removeItem(storageKey(pane));
    updateSend(pane);
  }

  // app.js disables Send for an empty text; files alone are worth sending, whether a response's (here) or
  // one the agent attached (static/attachments.js marks the form).
  function updateSend(pane) {
    var form = $(".composer", pane);
    if (!form) return;
    var send = $("button[type=submit]", form);
    var over = $("[data-testid=byte-counter].over", form);
    var textarea = composerText(pane);
    var files = chipsOf(pane).length > 0 || form.hasAttribute("data-has-attachment");
    send.disabled = !!over || (textarea.value.trim() === "" && !files);
  }

  function insertResponse(pane, text, files) {
    var textarea = composerText(pane);
    if (!textarea) return;
    files.forEach(function (file) { addChip(pane, file); });
    rememberChips(pane);
    insertAtCaret(textarea, text);
  }

  function openEditor(pane, url) {
    if (!window.htmx) return;
    window.htmx.ajax("GET", url, { target: "#editor-slot-" + interactionOf(pane), swap: "innerHTML" });
  }

  document.addEventListener("click", function (event) {
    var insert = event.target.closest("[data-insert-response]");
    if (insert) {
      insertResponse(paneOf(insert), insert.getAttribute("data-text") || "", attachmentsOf(insert));
      return;
    }
    var remove = event.target.closest("[data-remove-attachment]");
    if (remove) {
      var pane = paneOf(remove);
      remove.closest(".chip").remove();
      rememberChips(pane);
      return;
    }
    var cancel = event.target.closest("[data-editor-cancel]");
    if (cancel) {
      var slot = cancel.closest(".editor-slot");
      if (slot) slot.innerHTML = "";
      var text = composerText(paneOf(cancel));
      if (text) text.focus();
      return;
    }
    var notifications = event.target.closest("[data-open-notifications]");
    if (notifications) {
      var panel = document.getElementById(notifications.getAttribute("data-open-notifications"));
      if (!panel) return;
      panel.hidden = false;
      var kind = $("select[name=kind]", panel);
      if (kind && kind.value !== "notification") {
        kind.value = "notification";
        kind.dispatchEvent(new Event("change", { bubbles: true }));
      }
      var search = $("input[name=q]", panel);
      if (search) search.focus();
    }
  });

  // ---- Shortcuts: "/keyword" then a space, Tab or Enter inserts the response --------------------------
  var shortcutPattern = /(^|\s)\/([a-z0-9_-]{1,30})$/;

  function shortcutEntry(pane, keyword) {
    var shortcuts = document.getElementById("shortcuts-" + interactionOf(pane));
    if (!shortcuts) return null;
    return $all("[data-shortcut]", shortcuts).filter(function (item) {
      return item.getAttribute("data-shortcut") === keyword;
    })[0] || null;
  }

  // expand replaces the text from start to the caret ("/keyword" and what ended it) with the response.
  function expand(textarea, entry, start) {
    var pane = paneOf(textarea);
    if (entry.hasAttribute("data-editor-url")) {
      insertAtCaret(textarea, "", start, textarea.selectionStart);
      openEditor(pane, entry.getAttribute("data-editor-url"));
      return;
    }
    attachmentsOf(entry).forEach(function (file) { addChip(pane, file); });
    rememberChips(pane);
    insertAtCaret(textarea, entry.getAttribute("data-text") || "", start, textarea.selectionStart);
  }

  // Tab and Enter: runs in the capture phase, before app.js sends on Enter.
  document.addEventListener("keydown", function (event) {
    var textarea = event.target;
    if (!textarea.matches || !textarea.matches(".composer textarea[name=text]")) return;
    if (event.isComposing || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) return;
    if (event.key !== "Tab" && event.key !== "Enter") return;
    if (textarea.selectionStart !== textarea.selectionEnd) return;
    var match = shortcutPattern.exec(textarea.value.slice(0, textarea.selectionStart));
    var entry = match && shortcutEntry(paneOf(textarea), match[2]);
    if (!entry) return;
    event.preventDefault();
    event.stopPropagation();
    expand(textarea, entry, textarea.selectionStart - match[2].length - 1);
  }, true);

  // A space: expanded once typed, so the space itself goes with the keyword.
  var spacedPattern = /(^|\s)\/([a-z0-9_-]{1,30}) $/;
  document.addEventListener("input", function (event) {
    var textarea = event.target;
    if (!textarea.matches || !textarea.matches(".composer textarea[name=text]") || event.isComposing) return;
    if (event.inputType && event.inputType !== "insertText") return;
    var match = spacedPattern.exec(textarea.value.slice(0, textarea.selectionStart));
    var entry = match && shortcutEntry(paneOf(textarea), match[2]);
    if (entry) expand(textarea, entry, textarea.selectionStart - match[2].length - 2);
  });

  // ---- Keeping an open editor across a re-render ---------------------------------------------------
  // After a reconnect the stream re-renders every pane; a notification the agent is filling in moves over to
  // the new pane as it is, with what was typed.
  var refocus = null; // the editor field the agent was typing in, with the caret, while it moves
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    var fragment = event.detail.fragment;
    if (!target || target.id !== "panes-slot" || !fragment) return;
    $all(".editor-slot", target).forEach(function (slot) {
      var fresh = slot.firstElementChild && fragment.querySelector("#" + CSS.escape(slot.id));
      if (!fresh) return;
      var active = document.activeElement;
      if (active && slot.contains(active)) {
        refocus = { element: active, start: active.selectionStart, end: active.selectionEnd };
      }
      while (slot.firstChild) fresh.appendChild(slot.firstChild);
    });
  });
  // After the whole event is in and app.js has shown the current pane again (a hidden field takes no focus).
  document.addEventListener("htmx:sseMessage", function () {
    if (!refocus) return;
    var kept = refocus;
    refocus = null;
    if (!kept.element.isConnected) return;
    kept.element.focus();
    if (typeof kept.start === "number" && kept.element.setSelectionRange) kept.element.setSelectionRange(kept.start, kept.end);
  });

  // ---- Keeping chips across re-renders -------------------------------------------------------------
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches(".composer textarea[name=text]")) updateSend(paneOf(event.target));
  });

  function restore(root) {
    $all(".pane", root && root.querySelectorAll ? root : document).forEach(function (pane) {
      if (!chipsOf(pane).length) {
        var saved = [];
        try { saved = JSON.parse(sessionStorage.getItem(storageKey(pane)) || "[]"); } catch (e) { saved = []; }
        saved.forEach(function (file) { addChip(pane, file); });
      }
      updateSend(pane);
    });
    tickWindows();
  }

  // A sent message's chips go with its draft.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = event.detail.elt;
    if (event.detail.xhr.status === 200 && form.matches && form.matches(".composer")) {
      var pane = paneOf(form);
      if (pane) sessionStorage.removeItem(storageKey(pane));
    }
  });
  document.addEventListener("htmx:afterSettle", function () { restore(document); });
  document.addEventListener("htmx:sseMessage", function () { restore(document); });
  document.addEventListener("htmx:oobAfterSwap", function () { tickWindows(); });
  document.addEventListener("DOMContentLoaded", function () {
    restore(document);
    document.documentElement.setAttribute("data-responses-ready", "true");
  });
})();
