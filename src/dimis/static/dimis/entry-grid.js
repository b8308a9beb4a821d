/* Keyboard and small behaviours of the data entry grid (performance/entry.html).
 *
 * Arrow keys move between cells (left and right once the caret is at the edge of the text, or
 * when the whole figure is selected, as it is on arriving in a cell), Enter moves down and
 * Shift+Enter up, Tab and Shift+Tab stay the browser's. Escape puts back the stored figure.
 * Each changed cell is posted by htmx on "change" (attributes in entry_cell.html); a refused
 * figure comes back as 422 with its error, which htmx is told to show rather than drop.
 */
(function () {
  "use strict";

  var INPUT = "table[data-entry-grid] input.entry-input";
  var lastCell = null;

  if (window.htmx) {
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "422", swap: true, error: false },
      { code: "[45]..", swap: false, error: true },
      { code: "...", swap: false }
    ];
  }

  function cellInput(td) {
    return td ? td.querySelector("input.entry-input") : null;
  }

  function arrive(input) {
    input.focus();
    input.select();
  }

  // The input in the cell `rows` down and `cols` across, within the same table body.
  function neighbour(input, rows, cols) {
    var td = input.closest("td");
    var tr = td.parentElement;
    var body = tr.parentElement;
    var rowIndex = Array.prototype.indexOf.call(body.rows, tr) + rows;
    if (rowIndex < 0 || rowIndex >= body.rows.length) {
      return null;
    }
    var row = body.rows[rowIndex];
    var colIndex = td.cellIndex + cols;
    while (colIndex >= 0 && colIndex < row.cells.length) {
      var found = cellInput(row.cells[colIndex]);
      if (found) {
        return found;
      }
      if (!cols) {
        return null;
      }
      colIndex += cols;
    }
    return null;
  }

  function atStart(input) {
    return input.readOnly || (input.selectionStart === 0 && input.selectionEnd === 0) ||
      (input.selectionStart === 0 && input.selectionEnd === input.value.length);
  }

  function atEnd(input) {
    var end = input.value.length;
    return input.readOnly || (input.selectionStart === end && input.selectionEnd === end) ||
      (input.selectionStart === 0 && input.selectionEnd === end);
  }

  function clearError(input) {
    var td = input.closest("td");
    input.classList.remove("is-invalid");
    input.removeAttribute("aria-invalid");
    var error = td.querySelector(".entry-error");
    if (error) {
      error.remove();
    }
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.matches(INPUT)) {
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var target = null;
    switch (event.key) {
      case "ArrowUp":
        target = neighbour(input, -1, 0);
        break;
      case "ArrowDown":
        target = neighbour(input, 1, 0);
        break;
      case "Enter":
        target = neighbour(input, event.shiftKey ? -1 : 1, 0);
        if (!target) {
          // The last row: leaving the cell still saves it.
          event.preventDefault();
          input.blur();
          arrive(input);
          return;
        }
        break;
      case "ArrowLeft":
        if (!atStart(input)) {
          return;
        }
        target = neighbour(input, 0, -1);
        break;
      case "ArrowRight":
        if (!atEnd(input)) {
          return;
        }
        target = neighbour(input, 0, 1);
        break;
      case "Escape":
        event.preventDefault();
        input.value = input.dataset.stored || "";
        clearError(input);
        input.select();
        return;
      default:
        return;
    }
    event.preventDefault();
    if (target) {
      arrive(target);
    }
  });

  document.addEventListener("focusin", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.matches(INPUT)) {
      return;
    }
    if (lastCell && lastCell !== input.closest("td")) {
      lastCell.classList.remove("entry-active");
    }
    lastCell = input.closest("td");
    lastCell.classList.add("entry-active");
    input.select();
  });

  // A swapped cell is a new element: keep the marker on the one the user is in.
  document.addEventListener("htmx:afterSwap", function () {
    var active = document.activeElement;
    if (active && active.matches && active.matches(INPUT)) {
      lastCell = active.closest("td");
      lastCell.classList.add("entry-active");
    }
  });

  function showHistory(td) {
    if (!td || !td.dataset.history || !window.htmx) {
      return;
    }
    htmx.ajax("GET", td.dataset.history, { target: "#entry-history", swap: "innerHTML" });
  }

  document.addEventListener("dblclick", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.matches(INPUT)) {
      showHistory(input.closest("td"));
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-entry-history-button]");
    if (button) {
      // lastCell may have been replaced by a swap since: find it again by its id.
      var td = lastCell && document.getElementById(lastCell.id);
      showHistory(td);
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
