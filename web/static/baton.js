/* Baton's behaviour on every page: one static file and no inline script (a Content-Security-Policy
   may forbid those), nothing a page has to call. Everything here is an improvement over pages
   that already work without it.

   Form errors. HTMX leaves a 4xx or 5xx answer unswapped, so a refused form looked as if nothing
   had happened. Here every refused answer is shown:
   - an answer that is the form's own fragment, rendered again with its problems, is swapped like
     a success;
   - an answer that is only the error summary (templates/partials/error.html, marked
     data-error-summary) would replace the very form it is about, so it is put at the top of that
     form instead and what was typed stays;
   - then each problem naming a field (li[data-field]) is shown at the field, with the message
     under the control, aria-invalid and aria-describedby; the summary lists it by the field's own
     label (never the raw field name) and keeps the problems that name no field of the form.
   The next request from the form clears what was placed.

   Stacked tables. A list table marked stack-rows becomes a card per row at phone width (baton.css);
   a cell the template did not label gets its column's header as data-label for that layout.

   The menu. At phone width the navigation is a <details> menu that works without script; here
   Escape and a tap elsewhere close it. The language select sends itself when changed. */
(function () {
  "use strict";

  var PLACED = "data-placed-problem";
  var counter = 0;

  function colon() {
    return (document.documentElement.lang || "").indexOf("zh") === 0 ? "：" : ": ";
  }

  /* The form's visible controls named `name` (form.elements: those tied by a form="" attribute too). */
  function named(form, name) {
    return Array.from(form.elements).filter(function (control) {
      return control.name === name && control.type !== "hidden";
    });
  }

  function controlFor(form, field) {
    var exact = named(form, field);
    if (exact.length) return exact[0];
    var parts = field.split(".");  // "lines.1.unit_price": the second control named unit_price
    for (var i = parts.length - 2; i >= 0; i--) {
      if (/^\d+$/.test(parts[i])) return named(form, parts.slice(i + 1).join("."))[Number(parts[i])] || null;
    }
    return null;
  }

  function labelOf(control) {
    var label = control.closest("label") ||
      (control.id ? document.querySelector('label[for="' + CSS.escape(control.id) + '"]') : null);
    if (!label) return control.getAttribute("aria-label") || "";
    var text = "";
    label.childNodes.forEach(function (node) {
      if (node.nodeType === Node.TEXT_NODE) text += node.textContent;
      else if (node.nodeType === Node.ELEMENT_NODE &&
               !node.matches("input, select, textarea, button, .field-problem")) text += node.textContent;
    });
    return text.replace(/\s+/g, " ").trim();
  }

  function formFor(summary) {
    return summary.closest("form") ||
      (summary.parentElement ? summary.parentElement.querySelector("form") : null);
  }

  /* Each problem of the summary that names a control of the form, shown at that control. */
  function place(summary, form) {
    if (!form || summary.hasAttribute("data-problems-shown")) return;
    summary.setAttribute("data-problems-shown", "");
    summary.querySelectorAll("li[data-field]").forEach(function (item) {
      var control = controlFor(form, item.getAttribute("data-field"));
      if (!control) return;
      var message = item.textContent.trim();
      var label = labelOf(control);
      if (label) item.textContent = label + colon() + message;
      if (control.getAttribute("aria-invalid") === "true") return;  // the form shows it already
      var note = document.createElement("span");
      note.className = "field-problem";
      note.id = "problem-" + (++counter);
      note.textContent = message;
      note.setAttribute(PLACED, "");
      var holder = control.closest("label");
      if (holder) holder.appendChild(note);
      else control.insertAdjacentElement("afterend", note);
      control.setAttribute("aria-invalid", "true");
      control.setAttribute("aria-describedby", note.id);
      control.setAttribute(PLACED, "");
      (holder || control).classList.add("has-problem");
    });
  }

  function clear(form) {
    form.querySelectorAll("[data-error-summary][" + PLACED + "]").forEach(function (summary) { summary.remove(); });
    Array.from(form.elements).forEach(function (control) {
      if (!control.hasAttribute(PLACED)) return;
      var note = document.getElementById(control.getAttribute("aria-describedby"));
      if (note && note.hasAttribute(PLACED)) note.remove();
      control.removeAttribute("aria-invalid");
      control.removeAttribute("aria-describedby");
      control.removeAttribute(PLACED);
      (control.closest("label") || control).classList.remove("has-problem");
    });
  }

  function bareSummary(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    var root = template.content;
    if (root.children.length !== 1 || !root.firstElementChild.matches("[data-error-summary]")) return null;
    return root.firstElementChild;
  }

  /* The form that sent the request (detail.elt is where the event fires: the swap's target). */
  function requestForm(detail) {
    var element = (detail.requestConfig && detail.requestConfig.elt) || detail.elt;
    if (!element) return null;
    return element.tagName === "FORM" ? element : element.form || element.closest("form");
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = requestForm(event.detail);
    if (form) clear(form);
  });

  // The kebab-case twin of htmx:beforeSwap is dispatched after it: heard here, on the document, this
  // decides last, after any handler a page put on an element.
  document.addEventListener("htmx:before-swap", function (event) {
    var detail = event.detail;
    if (detail.xhr.status < 400 || !detail.xhr.responseText) return;
    detail.isError = false;
    var form = requestForm(detail);
    var summary = form ? bareSummary(detail.xhr.responseText) : null;
    if (!summary) {
      detail.shouldSwap = true;  // the fragment carries its own problems
      return;
    }
    detail.shouldSwap = false;
    summary.setAttribute(PLACED, "");
    form.insertBefore(summary, form.firstChild);
    place(summary, form);
    summary.scrollIntoView({block: "nearest"});
  });

  function placeWithin(root) {
    var summaries = root.matches && root.matches("[data-error-summary]") ? [root] : [];
    if (root.querySelectorAll) summaries = summaries.concat(Array.from(root.querySelectorAll("[data-error-summary]")));
    summaries.forEach(function (summary) { place(summary, formFor(summary)); });
  }

  /* Stacked tables (table.stack-rows): each cell without a label learns its column's header, which
     the phone layout of baton.css shows before the value; the row's identity stays unlabelled. */
  function labelTables(root) {
    var tables = root.querySelectorAll ? Array.from(root.querySelectorAll("table.stack-rows")) : [];
    var around = root.closest ? root.closest("table.stack-rows") : null;  // new rows swapped into a table
    if (around) tables.push(around);
    tables.forEach(function (table) {
      var heads = [];
      var headRow = table.tHead && table.tHead.rows[0];
      if (!headRow) return;
      Array.from(headRow.cells).forEach(function (cell) {
        for (var i = 0; i < cell.colSpan; i++) heads.push(cell.textContent.replace(/\s+/g, " ").trim());
      });
      Array.from(table.tBodies).forEach(function (body) {
        Array.from(body.rows).forEach(function (row) {
          var column = 0;
          Array.from(row.cells).forEach(function (cell) {
            if (heads[column] && !cell.hasAttribute("data-label") && !cell.matches(".row-id, .row-title, [colspan]")) {
              cell.setAttribute("data-label", heads[column]);
            }
            column += cell.colSpan;
          });
        });
      });
    });
  }

  function enhance(root) {
    placeWithin(root);
    labelTables(root);
  }

  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
  document.addEventListener("DOMContentLoaded", function () { enhance(document.body); });

  /* A button marked data-print prints the page (the handover report), with no inline script. */
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });

  /* A select marked data-submit-on-change (the language) sends its form when changed. */
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-submit-on-change]")) event.target.form.submit();
  });

  /* The phone menu: Escape or a tap outside closes it. */
  document.addEventListener("keydown", function (event) {
    var open = document.querySelector("details.menu[open]");
    if (event.key === "Escape" && open) {
      open.removeAttribute("open");
      open.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (event) {
    var open = document.querySelector("details.menu[open]");
    if (open && !open.contains(event.target)) open.removeAttribute("open");
  });
}());
