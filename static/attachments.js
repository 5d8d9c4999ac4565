// Attachments in the composer: a file comes from the paperclip, a drop onto the interaction or a pasted
// image; it is checked against the size limits the browser can tell, then either waits with a preview and
// an X until Send (whatsappsession.two-step-attachment-upload = true) or is sent at once. Uploads show their
// progress and can be cancelled. The server decides for good: it recognises the type from the content and
// answers with the same composer and message fragments as a text send, swapped in through htmx.
(function () {
  "use strict";

  var staged = {}; // composer form id → the File waiting for Send
  var uploads = {}; // composer form id → { xhr, file } while uploading

  var extensionKinds = {
    jpg: "image", jpeg: "image", png: "image",
    aac: "audio", m4a: "audio", amr: "audio", mp3: "audio", opus: "audio", oga: "audio", ogg: "audio",
    mp4: "video",
    pdf: "document", doc: "document", docx: "document", ppt: "document", pptx: "document", xls: "document", xlsx: "document"
  };
  var kindWords = { image: "JPG and PNG images", audio: "audio files", video: "videos", document: "documents" };

  function $(selector, root) { return (root || document).querySelector(selector); }

  function composerOf(element) { return element && element.closest ? element.closest("form.composer") : null; }
  function paneOf(element) { return element && element.closest ? element.closest(".pane") : null; }
  function trayOf(form) { return form ? $("[data-attachment-tray]", form) : null; }

  function settings(form) {
    var tray = trayOf(form);
    var limits = {};
    try { limits = JSON.parse(tray.getAttribute("data-limits") || "{}"); } catch (e) { limits = {}; }
    return { url: tray.getAttribute("data-upload-url"), twoStep: tray.getAttribute("data-two-step") === "true", limits: limits };
  }

  // Sizes as the server writes them (internal/media FormatSize).
  function formatSize(n) {
    function one(value) { return value.toFixed(1).replace(/\.0$/, ""); }
    if (n < 1024) return n === 1 ? "1 byte" : n + " bytes";
    if (n < 1048576) return one(n / 1024) + " KB";
    if (n < 1073741824) return one(n / 1048576) + " MB";
    return one(n / 1073741824) + " GB";
  }

  function extension(name) {
    var dot = name.lastIndexOf(".");
    return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
  }

  // What kind of file this looks like from what the browser knows: its name and the type derived from it.
  // Only the server looks at the content; this is for explaining limits before a long upload.
  function guessKind(file) {
    var type = (file.type || "").toLowerCase();
    if (type === "image/jpeg" || type === "image/png") return "image";
    if (type.indexOf("audio/") === 0) return "audio";
    if (type === "video/mp4") return extension(file.name) === "m4a" ? "audio" : "video";
    return extensionKinds[extension(file.name)] || "";
  }

  function precheck(file, limits) {
    var name = "“" + file.name + "”";
    if (file.size === 0) return name + " is empty.";
    if (limits.max && file.size >= limits.max) {
      return name + " is " + formatSize(file.size) + ": files must be smaller than " + formatSize(limits.max) + ".";
    }
    var kind = guessKind(file);
    if (kind && limits[kind] && file.size > limits[kind]) {
      return name + " is " + formatSize(file.size) + "; " + kindWords[kind] + " can be at most " + formatSize(limits[kind]) + ".";
    }
    return "";
  }

  function showError(form, text) {
    var error = $("[data-testid=composer-error]", form);
    if (!error) return;
    error.textContent = text;
    if (text) error.setAttribute("data-client", "attachment");
    else if (error.getAttribute("data-client") === "attachment") error.removeAttribute("data-client");
  }

  // app.js enables Send for typed text; an input event makes it look again (a waiting file counts too).
  function refreshSend(form) {
    var textarea = $("textarea[name=text]", form);
    if (textarea) textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function element(tag, className, text, testID) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    if (testID) node.setAttribute("data-testid", testID);
    return node;
  }

  function choose(form, file) {
    if (!form || !file || !trayOf(form)) return;
    if (uploads[form.id]) {
      showError(form, "Wait until “" + uploads[form.id].file.name + "” is sent, or cancel it, before attaching another file.");
      return;
    }
    var config = settings(form);
    var problem = precheck(file, config.limits);
    if (problem) {
      showError(form, problem);
      return;
    }
    showError(form, "");
    if (config.twoStep) {
      staged[form.id] = file;
      renderStaged(form);
      refreshSend(form);
      var textarea = $("textarea[name=text]", form);
      if (textarea) textarea.focus();
    } else {
      upload(form, file, "");
    }
  }

  // The waiting file: a thumbnail for images (read locally, nothing is sent yet), else a type icon; then
  // name, size and the X that removes it.
  function renderStaged(form) {
    var file = staged[form.id];
    var box = $("[data-testid=attachment-preview]", form);
    if (!box) return;
    box.textContent = "";
    box.hidden = !file;
    if (file) form.setAttribute("data-has-attachment", "");
    else form.removeAttribute("data-has-attachment");
    if (!file) return;
    var kind = guessKind(file);
    var visual;
    if (kind === "image" && file.size <= 5 * 1048576) {
      visual = element("img", "attach-thumb", "", "attachment-preview-image");
      visual.alt = "";
      var reader = new FileReader();
      reader.onload = function () { visual.src = reader.result; };
      reader.readAsDataURL(file);
    } else {
      visual = element("span", "attachment-icon icon-" + (kind || "document"), (extension(file.name) || "file").toUpperCase().slice(0, 4), "attachment-preview-icon");
    }
    var details = element("span", "attach-details");
    details.appendChild(element("span", "attach-name", file.name, "attachment-preview-name"));
    details.appendChild(element("span", "attach-size muted small", formatSize(file.size), "attachment-preview-size"));
    var remove = element("button", "attach-remove", "×", "attachment-remove");
    remove.type = "button";
    remove.title = "Remove";
    remove.setAttribute("aria-label", "Remove " + file.name);
    remove.setAttribute("data-attachment-remove", "");
    box.appendChild(visual);
    box.appendChild(details);
    box.appendChild(remove);
  }

  function showProgress(formID, file, percent) {
    var form = document.getElementById(formID);
    var progress = form && $("[data-testid=attachment-progress]", form);
    if (!progress) return;
    progress.hidden = false;
    var bar = $("progress", progress);
    bar.value = percent;
    bar.setAttribute("data-percent", String(Math.round(percent)));
    $("[data-testid=attachment-progress-label]", progress).textContent =
      "Sending " + file.name + " (" + formatSize(file.size) + ") — " + Math.round(percent) + "%";
    form.setAttribute("data-uploading", "");
    var send = $("button[type=submit]", form);
    if (send) send.disabled = true;
  }

  function finished(formID) {
    delete uploads[formID];
    var form = document.getElementById(formID);
    if (!form) return;
    form.removeAttribute("data-uploading");
    var progress = $("[data-testid=attachment-progress]", form);
    if (progress) progress.hidden = true;
    refreshSend(form);
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || ""; } catch (e) { return ""; }
  }

  function responseText(xhr) {
    var text = "";
    try { text = new DOMParser().parseFromString(xhr.responseText, "text/html").body.textContent.replace(/\s+/g, " ").trim(); } catch (e) { text = ""; }
    return text || "The upload failed (" + xhr.status + " " + xhr.statusText + "). Nothing was sent.";
  }

  function upload(form, file, text) {
    var formID = form.id;
    var config = settings(form);
    var xhr = new XMLHttpRequest();
    uploads[formID] = { xhr: xhr, file: file };
    var data = new FormData();
    data.append("text", text);
    data.append("file", file, file.name);
    xhr.open("POST", config.url);
    xhr.setRequestHeader("X-CSRF-Token", csrfToken());
    xhr.setRequestHeader("HX-Request", "true");
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) showProgress(formID, file, event.loaded / event.total * 100);
    });
    xhr.addEventListener("load", function () {
      finished(formID);
      var current = document.getElementById(formID);
      if (xhr.status === 200 || xhr.status === 422) {
        delete staged[formID];
        if (xhr.status === 200 && text) {
          // Sent: the fresh composer must not bring the text back from the saved draft.
          var textarea = current && $("textarea[name=text]", current);
          if (textarea) sessionStorage.removeItem("switchboard:" + textarea.getAttribute("data-draft-key"));
        }
        if (current) window.htmx.swap(current, xhr.responseText, { swapStyle: "outerHTML" });
        return;
      }
      if (current) showError(current, responseText(xhr));
    });
    xhr.addEventListener("error", function () {
      finished(formID);
      var current = document.getElementById(formID);
      if (current) showError(current, "The upload failed: the connection to the server was lost. Nothing was sent.");
    });
    xhr.addEventListener("abort", function () {
      finished(formID);
      var current = document.getElementById(formID);
      if (current) showError(current, "Upload cancelled. Nothing was sent.");
    });
    showProgress(formID, file, 0);
    xhr.send(data);
  }

  // Send with a waiting file uploads it (with the typed text as its caption) instead of posting the text.
  // This runs in the capture phase, before htmx sees the submit.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.composer") || !staged[form.id]) return;
    event.preventDefault();
    event.stopPropagation();
    if (uploads[form.id]) return;
    var textarea = $("textarea[name=text]", form);
    upload(form, staged[form.id], textarea ? textarea.value : "");
  }, true);

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(".composer .attach-input")) return;
    var file = input.files && input.files[0];
    input.value = "";
    choose(composerOf(input), file);
  });

  document.addEventListener("click", function (event) {
    var remove = event.target.closest && event.target.closest("[data-attachment-remove]");
    if (remove) {
      var form = composerOf(remove);
      delete staged[form.id];
      renderStaged(form);
      refreshSend(form);
      return;
    }
    var cancel = event.target.closest && event.target.closest("[data-attachment-cancel]");
    if (cancel) {
      var under = uploads[composerOf(cancel).id];
      if (under) under.xhr.abort();
    }
  });

  // Dropping a file anywhere on an interaction attaches it there; elsewhere the browser must not open it.
  function carriesFiles(event) {
    var types = event.dataTransfer && event.dataTransfer.types;
    return !!types && Array.prototype.indexOf.call(types, "Files") >= 0;
  }
  document.addEventListener("dragover", function (event) {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    var pane = paneOf(event.target);
    event.dataTransfer.dropEffect = pane ? "copy" : "none";
    if (pane) pane.classList.add("dropping");
  });
  document.addEventListener("dragleave", function (event) {
    var pane = paneOf(event.target);
    if (pane && !pane.contains(event.relatedTarget)) pane.classList.remove("dropping");
  });
  document.addEventListener("drop", function (event) {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    var pane = paneOf(event.target);
    if (!pane) return;
    pane.classList.remove("dropping");
    var file = event.dataTransfer.files && event.dataTransfer.files[0];
    choose($("form.composer", pane), file);
  });

  // Pasting an image (a screenshot, a copied picture) into an interaction attaches it; text pastes as usual.
  document.addEventListener("paste", function (event) {
    var pane = paneOf(event.target);
    var form = composerOf(event.target) || (pane && $("form.composer", pane));
    var clipboard = event.clipboardData;
    if (!form || !clipboard) return;
    var file = null;
    var items = clipboard.items || [];
    for (var i = 0; i < items.length && !file; i++) {
      if (items[i].kind === "file") file = items[i].getAsFile();
    }
    if (!file && clipboard.files && clipboard.files.length) file = clipboard.files[0];
    if (!file) return;
    event.preventDefault();
    choose(form, file);
  });

  // A re-rendered composer (reconnect, another tab's change) gets its waiting file and its upload back.
  function restore() {
    Object.keys(staged).forEach(function (id) {
      var form = document.getElementById(id);
      if (!form) { delete staged[id]; return; }
      if (!form.hasAttribute("data-has-attachment")) { renderStaged(form); refreshSend(form); }
    });
    Object.keys(uploads).forEach(function (id) {
      var form = document.getElementById(id);
      if (form && !form.hasAttribute("data-uploading")) showProgress(id, uploads[id].file, 0);
    });
  }
  document.addEventListener("htmx:afterSettle", restore);
  document.addEventListener("htmx:sseMessage", restore);
})();
