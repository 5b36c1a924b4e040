/* Cadre console: progressive enhancement only. Every page works without this script; with it:
   - the editor's findings, publication panel and prompt preview follow what you type;
   - list items are added, removed and moved in place (without it, the same buttons ask the server);
   - copy buttons copy a new key's secret and the snippets.
   Text from the server is always inserted with textContent, never as HTML. */
(function () {
  "use strict";

  function domId(path) {
    return "field-" + path.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // ------------------------------------------------------------------------------- live findings
  function liveFindings(form) {
    var url = form.getAttribute("data-check");
    var timer = null;
    var sequence = 0;

    function frameLanguage() {
      var select = form.querySelector("select[name='language']");
      return select ? select.value : "fr";
    }

    function show(data) {
      var lang = frameLanguage();
      var lists = form.querySelectorAll("[data-findings-for]");
      var byField = {};
      data.findings.forEach(function (f) { (byField[f.field] = byField[f.field] || []).push(f); });
      Array.prototype.forEach.call(lists, function (list) {
        var path = list.getAttribute("data-findings-for");
        list.textContent = "";
        if (data.form_errors[path]) {
          var li = el("li", "finding finding-error");
          li.appendChild(el("span", "finding-kind", data.labels.error));
          li.appendChild(document.createTextNode(" " + data.form_errors[path]));
          list.appendChild(li);
        }
        (byField[path] || []).forEach(function (f) {
          var item = el("li", "finding finding-" + f.severity);
          item.appendChild(el("span", "finding-kind", data.labels[f.severity]));
          item.appendChild(document.createTextNode(" "));
          var message = el("span", "", f.message);
          message.lang = lang;
          item.appendChild(message);
          list.appendChild(item);
        });
      });
      var summary = document.getElementById("publish-summary");
      if (summary) { summary.textContent = data.summary; }
      var panel = document.getElementById("publish-panel");
      if (panel) { panel.classList.toggle("is-blocked", data.blocking.length > 0); }
      var blockers = document.getElementById("blockers");
      if (blockers) {
        blockers.textContent = "";
        blockers.lang = lang;
        data.blocking.forEach(function (f) {
          var link = el("a", "", f.message);
          link.href = "#" + domId(f.field);
          var li = el("li");
          li.appendChild(link);
          blockers.appendChild(li);
        });
      }
      var prompt = document.getElementById("prompt-preview");
      if (prompt) { prompt.textContent = data.prompt; }
      setText("prompt-heading", data.prompt_heading);
      setText("prompt-explain", data.prompt_explain);
      // The "publication refused" banner of a refused publication follows the form too: never a stale count.
      var refused = document.getElementById("publish-refused");
      if (refused) {
        refused.hidden = data.blocking.length === 0;
        setText("publish-refused-count", data.blocked_count);
        var refusedList = document.getElementById("publish-refused-list");
        if (refusedList) {
          refusedList.textContent = "";
          data.blocking.forEach(function (f) {
            var link = el("a", "", f.message);
            link.href = "#" + domId(f.field);
            var li = el("li");
            li.appendChild(link);
            refusedList.appendChild(li);
          });
        }
      }
      // The frame's state in words (the badges under its name) for what the form now holds.
      var status = document.querySelector(".frame-head .status");
      if (status && data.status) {
        status.textContent = "";
        data.status.forEach(function (part) { status.appendChild(el("li", "badge badge-" + part.kind, part.text)); });
      }
      form.setAttribute("data-checked", String(sequence));
    }

    function check() {
      var mine = ++sequence;
      var body = new FormData(form);
      body.delete("action");
      fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          var type = response.headers.get("content-type") || "";
          if (!response.ok || type.indexOf("application/json") !== 0) { return null; }
          return response.json();
        })
        .then(function (data) { if (data && mine === sequence) { show(data); } })
        .catch(function () { /* offline or signed out: the findings shown on save still apply */ });
    }

    function later() {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(check, 350);
    }

    form.addEventListener("input", later);
    form.addEventListener("change", later);
    return later;
  }

  function setText(id, text) {
    var node = document.getElementById(id);
    if (node && typeof text === "string") { node.textContent = text; }
  }

  // ------------------------------------------------------------------------------ unsaved changes
  // Leaving the editor with changes not saved asks first (the browser's own question); saving does not.
  function unsavedGuard(form) {
    var dirty = form.getAttribute("data-unsaved") === "true";
    function mark() { dirty = true; form.setAttribute("data-dirty", "true"); }
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("click", function (event) {
      if (event.target.closest("button[data-op]")) { mark(); }
    });
    document.addEventListener("submit", function () { dirty = false; }, true);
    window.addEventListener("beforeunload", function (event) {
      if (!dirty) { return undefined; }
      event.preventDefault();
      event.returnValue = form.getAttribute("data-leave") || "";
      return event.returnValue;
    });
  }

  // ------------------------------------------------------------------------------- focus in view
  // The sticky action bar must never cover the focused control (WCAG 2.2, 2.4.11). The stylesheet's
  // scroll-padding handles most moves; when the browser left the control under the bar, scroll it out.
  function focusAboveBar(bar) {
    document.addEventListener("focusin", function (event) {
      var target = event.target;
      if (!target || !target.getBoundingClientRect || bar.contains(target)) { return; }
      var r = target.getBoundingClientRect();
      var b = bar.getBoundingClientRect();
      if (r.bottom > b.top && r.top < b.bottom) {
        window.scrollBy(0, Math.ceil(r.bottom - b.top) + 12);
      }
    });
  }

  // ---------------------------------------------------------------------------------------- lists
  function renumber(fieldset) {
    var path = fieldset.getAttribute("data-list");
    var items = fieldset.querySelectorAll("[data-items] > [data-item]");
    Array.prototype.forEach.call(items, function (item, i) {
      var itemPath = path + "[" + i + "]";
      var id = domId(itemPath);
      var input = item.querySelector("input");
      var label = item.querySelector("label");
      var number = item.querySelector("[data-n]");
      var findings = item.querySelector("[data-findings-for]");
      input.id = id;
      input.setAttribute("aria-describedby", id + "-findings");
      label.htmlFor = id;
      number.textContent = String(i + 1);
      if (findings) {
        findings.setAttribute("data-findings-for", itemPath);
        findings.id = id + "-findings";
      }
      Array.prototype.forEach.call(item.querySelectorAll("button[data-op]"), function (button) {
        var op = button.getAttribute("data-op");
        button.value = "list:" + path + ":" + op + ":" + i;
        button.setAttribute("aria-describedby", id);
      });
    });
  }

  function listButtons(form, changed) {
    form.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-op]");
      if (!button) { return; }
      var fieldset = button.closest("[data-list]");
      if (!fieldset) { return; }
      event.preventDefault();
      var list = fieldset.querySelector("[data-items]");
      var op = button.getAttribute("data-op");
      var item = button.closest("[data-item]");
      if (op === "add") {
        var template = fieldset.querySelector("template[data-item-template]");
        var fresh = template.content.firstElementChild.cloneNode(true);
        list.appendChild(fresh);
        renumber(fieldset);
        fresh.querySelector("input").focus();
      } else if (op === "remove") {
        var items = list.querySelectorAll("[data-item]");
        if (items.length === 1) {
          item.querySelector("input").value = "";
          item.querySelector("input").focus();
        } else {
          var next = item.nextElementSibling || item.previousElementSibling;
          item.remove();
          renumber(fieldset);
          next.querySelector("input").focus();
        }
      } else if ((op === "up" && item.previousElementSibling) || (op === "down" && item.nextElementSibling)) {
        if (op === "up") {
          list.insertBefore(item, item.previousElementSibling);
        } else {
          list.insertBefore(item.nextElementSibling, item);
        }
        renumber(fieldset);
        // At the top (or bottom) this button is hidden: keep the focus in the item, on the other move.
        var other = item.querySelector("button[data-op='" + (op === "up" ? "down" : "up") + "']");
        (window.getComputedStyle(button).visibility === "hidden" ? other : button).focus();
      }
      changed();
    });
  }

  // ----------------------------------------------------------------------------------------- copy
  function copyButtons() {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var source = document.getElementById(button.getAttribute("data-copy"));
        var value = "value" in source && source.tagName === "INPUT" ? source.value : source.textContent;
        var holder = button.closest(".code-block, .field");
        var status = holder ? holder.querySelector("[data-copy-status]") : null;
        function say(text) { if (status) { status.textContent = text; } }
        function fallback() {
          var area = el("textarea");
          area.value = value;
          area.setAttribute("readonly", "");
          area.className = "visually-hidden";
          document.body.appendChild(area);
          area.select();
          var ok = false;
          try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
          area.remove();
          say(ok ? button.getAttribute("data-copied") : button.getAttribute("data-copy-failed"));
        }
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(value).then(function () {
            say(button.getAttribute("data-copied"));
          }, fallback);
        } else {
          fallback();
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var editor = document.querySelector("form[data-check]");
    if (editor) {
      var changed = liveFindings(editor);
      listButtons(editor, changed);
      unsavedGuard(editor);
    }
    var bar = document.getElementById("editor-actions");
    if (bar) { focusAboveBar(bar); }
    copyButtons();
  });
})();
