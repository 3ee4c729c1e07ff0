/* Queues at the keyboard, and forms that submit once. No framework, no build step.
 *
 * On a list page (#result_list): j / ArrowDown next row, k / ArrowUp previous row,
 * o / Enter open it, x tick it, a assign it to me (where the page offers that action),
 * ? show the keys. Keys typed into a field are left alone.
 * Any form marked data-once disables its submit buttons after the first submit, so a
 * double click sends one request (the server also refuses a repeated token).
 */
(function () {
  "use strict";

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#result_list tbody tr"));
  }

  var current = -1;

  function focusRow(index) {
    var all = rows();
    if (!all.length) return;
    current = Math.max(0, Math.min(all.length - 1, index));
    all.forEach(function (row, i) {
      row.classList.toggle("queue-focus", i === current);
      row.setAttribute("aria-selected", i === current ? "true" : "false");
    });
    all[current].scrollIntoView({ block: "nearest" });
  }

  function focused() {
    var all = rows();
    return current >= 0 && current < all.length ? all[current] : null;
  }

  function openRow() {
    var row = focused();
    var link = row && (row.querySelector("th a") || row.querySelector("td a"));
    if (link) window.location.href = link.href;
  }

  function tickRow(only) {
    var row = focused();
    var box = row && row.querySelector("input.action-select");
    if (!box) return null;
    if (only) {
      document.querySelectorAll("#result_list input.action-select:checked").forEach(function (b) {
        if (b !== box) b.click();
      });
      if (!box.checked) box.click();
    } else {
      box.click();
    }
    return box;
  }

  function assignToMe() {
    var form = document.getElementById("changelist-form");
    var select = form && form.querySelector("select[name=action]");
    if (!select || !select.querySelector("option[value=assign_to_me_selected]")) return;
    if (!tickRow(true)) return;
    select.value = "assign_to_me_selected";
    var index = document.createElement("input");
    index.type = "hidden";
    index.name = "index";
    index.value = "0";
    form.appendChild(index);
    form.submit();
  }

  function showKeys() {
    var help = document.getElementById("queue-keys");
    if (help) help.hidden = !help.hidden;
  }

  document.addEventListener("keydown", function (event) {
    if (!document.getElementById("result_list")) return;
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    switch (event.key) {
      case "j": case "ArrowDown": focusRow(current + 1); break;
      case "k": case "ArrowUp": focusRow(current - 1); break;
      case "o": case "Enter": openRow(); break;
      case "x": tickRow(false); break;
      case "a": assignToMe(); break;
      case "?": showKeys(); break;
      default: return;
    }
    event.preventDefault();
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-once")) return;
    if (form.dataset.sent === "1") { event.preventDefault(); return; }
    form.dataset.sent = "1";
    // Keep the clicked button's name/value in the request, then disable the buttons.
    var submitter = event.submitter;
    if (submitter && submitter.name) {
      var carry = document.createElement("input");
      carry.type = "hidden";
      carry.name = submitter.name;
      carry.value = submitter.value || "1";
      form.appendChild(carry);
    }
    setTimeout(function () {
      form.querySelectorAll("[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  }, true);

  // "Save this view": the officer's filters and sort, kept under a name in the sidebar.
  function saveViewForm(list) {
    var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (!csrf) return;
    var form = document.createElement("form");
    form.method = "post";
    form.action = "/admin/workspace/saved-views/";
    form.id = "save-view";
    form.className = "save-view";
    form.setAttribute("data-once", "");
    form.innerHTML =
      '<input type="hidden" name="csrfmiddlewaretoken">' +
      '<input type="hidden" name="url">' +
      '<input type="text" name="name" maxlength="80" placeholder="Name this view" aria-label="Name this view" required>' +
      '<button type="submit">Save view</button>';
    form.elements.csrfmiddlewaretoken.value = csrf.value;
    form.elements.url.value = window.location.pathname + window.location.search;
    list.parentNode.insertBefore(form, list);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var list = document.getElementById("result_list");
    if (!list) return;
    var help = document.createElement("p");
    help.id = "queue-keys";
    help.className = "queue-keys";
    help.hidden = true;
    help.textContent = "Keys: j/k next/previous, o open, x tick, a assign to me, ? hide.";
    list.parentNode.insertBefore(help, list);
    saveViewForm(list);
    // The change forms of the admin also submit once.
    document.querySelectorAll("form[id$=_form]").forEach(function (f) { f.setAttribute("data-once", ""); });
  });
})();
