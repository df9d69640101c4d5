// The catalog in the browser: sorting and filtering the catalog's table
// (its rows carry their values in data-* attributes), picking models to
// compare, the comparison page, and the chooser. The table is complete
// without this script; the comparison and the chooser need it.
//
// State lives in the page's address (?task=...&sort=...), so a view can be
// shared and survives a reload.
(function () {
  'use strict';

  var MAX_COMPARE = 4;
  var ID = /^[a-z0-9._-]+$/;

  // --- shared ---------------------------------------------------------------

  function params() {
    return new URLSearchParams(location.search);
  }

  function setParams(p) {
    // Commas separate model ids; they need no escaping in an address.
    var query = p.toString().replace(/%2C/gi, ',');
    history.replaceState(null, '', location.pathname + (query ? '?' + query : '') + location.hash);
  }

  function ids(value) {
    return (value || '').split(',').filter(function (id, i, all) {
      return ID.test(id) && all.indexOf(id) === i;
    });
  }

  function compareUrl(base, list) {
    return base + (list.length ? '?models=' + list.join(',') : '');
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function humanSize(n) {
    if (!n) return 'unknown size';
    var units = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']];
    for (var i = 0; i < units.length; i++) {
      if (n >= units[i][0]) {
        var v = n / units[i][0];
        return (v >= 100 ? v.toFixed(0) : String(Math.round(v * 10) / 10)) + units[i][1];
      }
    }
    return String(n);
  }

  // A model's values, as the filters read them (from a table row or from
  // facets.json): single values are strings, lists are arrays.
  // Does `m` pass the filter on `key` with the wanted values?
  function passes(m, key, wanted) {
    if (!wanted || !wanted.length) return true;
    switch (key) {
      case 'q':
        return wanted.every(function (w) {
          return m.text.indexOf(w) !== -1;
        });
      case 'min':
        return m.parameters > 0 && m.parameters >= wanted[0];
      case 'max':
        return m.parameters > 0 && m.parameters <= wanted[0];
      case 'open':
        return m.access === 'open-weights' || m.access === 'gated';
      default: {
        var have = m[key];
        if (Array.isArray(have)) {
          return have.some(function (v) {
            return wanted.indexOf(v) !== -1;
          });
        }
        return wanted.indexOf(have || 'none') !== -1;
      }
    }
  }

  // --- the catalog ------------------------------------------------------------

  function catalog(form) {
    var table = document.getElementById('catalog');
    var tbody = table.tBodies[0];
    var status = document.getElementById('catalog-status');
    var total = Number(form.dataset.total);
    var keys = ['q', 'category', 'task', 'license', 'access', 'open', 'creator', 'modality', 'domain', 'status', 'min', 'max'];
    var facetKeys = ['category', 'task', 'license', 'access', 'open', 'creator', 'modality', 'domain', 'status'];
    var split = function (s, sep) {
      return s ? s.split(sep) : [];
    };

    var rows = Array.prototype.map.call(tbody.rows, function (tr, i) {
      var d = tr.dataset;
      return {
        tr: tr,
        order: i,
        id: d.id,
        name: tr.cells[0].textContent.trim(),
        category: d.category,
        task: split(d.tasks, ' '),
        license: d.license,
        access: d.access,
        creator: d.creator,
        parameters: Number(d.parameters) || 0,
        released: d.released,
        status: d.status,
        modality: split(d.modalities, '|'),
        domain: split(d.domain, '|'),
        text: (tr.textContent + ' ' + d.id).toLowerCase(),
        visible: true,
      };
    });

    // Counters: each option's count is the number of rows that pass every
    // other filter and have that value.
    var counters = {};
    form.querySelectorAll('[data-count]').forEach(function (span) {
      counters[span.dataset.count] = span;
    });

    function readForm() {
      var state = {};
      keys.forEach(function (k) {
        state[k] = [];
      });
      new FormData(form).forEach(function (value, key) {
        if (value === '') return;
        if (key === 'q') {
          state.q = value.toLowerCase().split(/\s+/).filter(Boolean);
        } else if (key === 'min' || key === 'max') {
          state[key] = [Number(value)];
        } else if (state[key]) {
          state[key].push(value);
        }
      });
      return state;
    }

    function writeForm(p) {
      form.querySelectorAll('input, select').forEach(function (input) {
        var values = p.getAll(input.name);
        if (input.type === 'checkbox') {
          input.checked = values.indexOf(input.value) !== -1;
        } else if (input.tagName === 'SELECT' || input.type === 'search') {
          input.value = values[0] || '';
        }
      });
      // Open the groups that have a choice made.
      form.querySelectorAll('details.filter-group').forEach(function (d) {
        if (d.querySelector('input:checked')) d.open = true;
      });
    }

    function apply() {
      var state = readForm();
      var counts = {};
      var shown = 0;
      rows.forEach(function (m) {
        var failed = null;
        var fails = 0;
        for (var i = 0; i < keys.length && fails < 2; i++) {
          if (!passes(m, keys[i], state[keys[i]])) {
            fails++;
            failed = keys[i];
          }
        }
        var visible = fails === 0;
        if (visible !== m.visible) {
          m.tr.hidden = !visible;
          m.visible = visible;
        }
        if (visible) shown++;
        facetKeys.forEach(function (k) {
          if (fails === 0 || (fails === 1 && failed === k)) {
            var values = k === 'open' ? (passes(m, 'open', ['1']) ? ['1'] : []) : [].concat(m[k] || 'none');
            values.forEach(function (v) {
              var c = k + ':' + v;
              counts[c] = (counts[c] || 0) + 1;
            });
          }
        });
      });
      Object.keys(counters).forEach(function (c) {
        counters[c].textContent = counts[c] || 0;
      });
      status.textContent = shown + ' of ' + total + ' model' + (total === 1 ? '' : 's');
      return shown;
    }

    // --- sorting
    var sortKeys = ['name', 'creator', 'category', 'task', 'license', 'access', 'parameters', 'released'];
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var sortState = { key: 'name', order: 'asc' };
    function value(m, key) {
      switch (key) {
        case 'name':
          return m.name.toLowerCase();
        case 'parameters':
          return m.parameters || null;
        case 'released':
          return m.released || null;
        default: {
          var cell = m.tr.cells[sortKeys.indexOf(key) + cellOffset];
          if (!m.sortText) m.sortText = {};
          if (m.sortText[key] === undefined) m.sortText[key] = cell.textContent.trim().toLowerCase();
          return m.sortText[key] || null;
        }
      }
    }
    var cellOffset = 0;
    function sortBy(key, order) {
      var dir = order === 'desc' ? -1 : 1;
      var sorted = rows.slice().sort(function (a, b) {
        var va = value(a, key);
        var vb = value(b, key);
        // Unknown values go last, whichever the direction.
        if (va === null || vb === null) {
          if (va === vb) return a.order - b.order;
          return va === null ? 1 : -1;
        }
        if (va < vb) return -dir;
        if (va > vb) return dir;
        return a.order - b.order;
      });
      // Rows are moved while the body is out of the document: one layout,
      // not one per row.
      var next = tbody.nextSibling;
      table.removeChild(tbody);
      sorted.forEach(function (m) {
        tbody.appendChild(m.tr);
      });
      table.insertBefore(tbody, next);
      markSorted(key, order);
    }
    function markSorted(key, order) {
      sortState = { key: key, order: order };
      headers.forEach(function (th) {
        var k = th.dataset.sortKey;
        if (!k) return;
        var button = th.querySelector('button');
        if (k === key) {
          th.setAttribute('aria-sort', order === 'desc' ? 'descending' : 'ascending');
          button.dataset.order = order;
        } else {
          th.removeAttribute('aria-sort');
          delete button.dataset.order;
        }
      });
    }

    // --- picking models to compare
    var bar = document.getElementById('compare-bar');
    var picked = [];
    var byId = {};
    rows.forEach(function (m) {
      byId[m.id] = m;
    });
    // A column of boxes to pick models with. On a large catalog adding it
    // lays the whole table out again, so it waits until it is asked for.
    var picking = false;
    function startPicking() {
      if (picking) return;
      picking = true;
      var pickHeader = el('th', 'pick');
      pickHeader.scope = 'col';
      pickHeader.appendChild(el('span', 'sr-only', 'Compare'));
      var next = tbody.nextSibling;
      table.removeChild(tbody);
      table.tHead.rows[0].insertBefore(pickHeader, headers[0]);
      cellOffset = 1;
      var box = document.createElement('input');
      box.type = 'checkbox';
      rows.forEach(function (m) {
        var td = el('td', 'pick');
        var b = box.cloneNode();
        b.value = m.id;
        b.setAttribute('aria-label', 'Compare ' + m.name);
        td.appendChild(b);
        m.box = b;
        m.tr.insertBefore(td, m.tr.firstChild);
      });
      table.insertBefore(tbody, next);
      document.getElementById('compare-start').hidden = true;
      showPicked();
    }
    function showPicked() {
      document.getElementById('compare-count').textContent = picked.length;
      document.getElementById('compare-names').textContent = picked.length
        ? ': ' +
          picked
            .map(function (id) {
              return byId[id] ? byId[id].name : id;
            })
            .join(', ')
        : '';
      document.getElementById('compare-go').href = compareUrl(bar.dataset.compareUrl, picked);
      bar.hidden = picked.length === 0;
      if (!picking) return;
      rows.forEach(function (m) {
        m.box.checked = picked.indexOf(m.id) !== -1;
        m.box.disabled = !m.box.checked && picked.length >= MAX_COMPARE;
      });
    }
    var start = document.getElementById('compare-start');
    start.hidden = false;
    start.addEventListener('click', function () {
      start.textContent = 'Adding a box to every row…';
      setTimeout(startPicking);
    });
    tbody.addEventListener('change', function (e) {
      var b = e.target;
      if (!b.matches('td.pick input')) return;
      picked = picked.filter(function (id) {
        return id !== b.value;
      });
      if (b.checked) picked.push(b.value);
      showPicked();
      save();
    });
    document.getElementById('compare-clear').addEventListener('click', function () {
      picked = [];
      showPicked();
      save();
    });

    // --- the address
    function save() {
      var p = new URLSearchParams();
      new FormData(form).forEach(function (value, key) {
        if (value !== '') p.append(key, value);
      });
      if (sortState.key !== 'name' || sortState.order !== 'asc') {
        p.set('sort', sortState.key);
        p.set('order', sortState.order);
      }
      if (picked.length) p.set('compare', picked.join(','));
      setParams(p);
    }

    headers.forEach(function (th, i) {
      var key = sortKeys[i];
      th.dataset.sortKey = key;
      var button = el('button', 'sort');
      button.type = 'button';
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener('click', function () {
        var order = sortState.key === key && sortState.order === 'asc' ? 'desc' : 'asc';
        if (sortState.key !== key && (key === 'parameters' || key === 'released')) order = 'desc';
        sortBy(key, order);
        save();
      });
    });

    var initial = params();
    writeForm(initial);
    picked = ids(initial.get('compare')).filter(function (id) {
      return byId[id];
    }).slice(0, MAX_COMPARE);
    var wantedSort = initial.get('sort');
    // The table comes sorted by name: sort only to show another order.
    if (sortKeys.indexOf(wantedSort) !== -1 && (wantedSort !== 'name' || initial.get('order') === 'desc')) {
      sortBy(wantedSort, initial.get('order') === 'desc' ? 'desc' : 'asc');
    } else {
      markSorted('name', 'asc');
    }
    // Starting to pick shows the picked models too.
    if (picked.length || rows.length <= 2000) startPicking();
    else showPicked();
    apply();
    form.hidden = false;
    form.addEventListener('input', function () {
      apply();
      save();
    });
    form.addEventListener('reset', function () {
      setTimeout(function () {
        apply();
        save();
      });
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
    });
  }

  // --- facets.json, for the chooser and the comparison ------------------------

  // One fetch per page, whoever asks first; a failed one is tried again on
  // the next request.
  var facetsLoading = {};
  function loadFacets(url) {
    if (!facetsLoading[url]) {
      facetsLoading[url] = fetchFacets(url).catch(function (e) {
        delete facetsLoading[url];
        throw e;
      });
    }
    return facetsLoading[url];
  }

  function fetchFacets(url) {
    return fetch(url)
      .then(function (r) {
        if (!r.ok) throw new Error(r.status + ' ' + url);
        return r.json();
      })
      .then(function (data) {
        var f = data.fields;
        var models = data.models.map(function (row) {
          var m = {};
          f.forEach(function (name, i) {
            m[name] = row[i];
          });
          m.task = m.tasks || [];
          m.modality = m.modalities || [];
          m.domain = m.domain || [];
          m.text = (m.name + ' ' + m.id).toLowerCase();
          return m;
        });
        return { names: data.names, models: models };
      });
  }

  // --- the chooser ------------------------------------------------------------

  function chooser(root) {
    var form = document.getElementById('chooser-form');
    var count = document.getElementById('chooser-count');
    var list = document.getElementById('chooser-list');
    var compare = document.getElementById('chooser-compare');
    var catalogLink = document.getElementById('chooser-catalog');
    var kinds = Array.prototype.slice.call(form.querySelectorAll('input[name="kind"]'));
    var kindOf = {};
    kinds.forEach(function (k) {
      k.dataset.licenses.split(' ').forEach(function (id) {
        if (id) kindOf[id] = k.value;
      });
    });
    var data = null;

    function state() {
      var s = { task: [], domain: [], max: [], kind: [], access: [], old: false };
      new FormData(form).forEach(function (value, key) {
        if (key === 'old') s.old = true;
        else if (value !== '') s[key].push(key === 'max' ? Number(value) : value);
      });
      return s;
    }

    function restore() {
      var p = params();
      if (!Array.from(p.keys()).length) return;
      form.querySelectorAll('input, select').forEach(function (input) {
        var values = p.getAll(input.name);
        if (input.type === 'checkbox') input.checked = values.indexOf(input.value) !== -1;
        else if (input.type === 'radio') input.checked = (values[0] || '') === input.value;
        else input.value = values[0] || '';
      });
    }

    function save() {
      var p = new URLSearchParams();
      new FormData(form).forEach(function (value, key) {
        if (value !== '') p.append(key, value);
      });
      setParams(p);
    }

    function rank(a, b) {
      var order = { active: 0, deprecated: 1, removed: 2 };
      var s = order[a.status] - order[b.status];
      if (s) return s;
      var ra = a.released || '';
      var rb = b.released || '';
      if (ra !== rb) return ra < rb ? 1 : -1;
      return a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1;
    }

    function show() {
      if (!data) return;
      var s = state();
      var fits = data.models.filter(function (m) {
        return (
          passes(m, 'task', s.task) &&
          passes(m, 'domain', s.domain) &&
          passes(m, 'max', s.max) &&
          s.access.length > 0 &&
          passes(m, 'access', s.access) &&
          s.kind.indexOf(m.license ? kindOf[m.license] || 'community' : 'unknown') !== -1 &&
          (s.old || m.status === 'active')
        );
      });
      fits.sort(rank);
      var top = fits.slice(0, 5);
      count.textContent = fits.length
        ? fits.length + ' model' + (fits.length === 1 ? ' fits' : 's fit') + (fits.length > top.length ? '; the ' + top.length + ' newest:' : ':')
        : 'No model fits all of that. Loosen an answer: a larger size, another licence or access.';
      list.textContent = '';
      top.forEach(function (m) {
        var li = el('li');
        var a = el('a', 'shortlist-name', m.name);
        a.href = root.dataset.models + m.id + '/';
        li.appendChild(a);
        var facts = [
          data.names.creators[m.creator] || m.creator,
          humanSize(m.parameters),
          m.license ? data.names.licenses[m.license] || m.license : 'licence not stated',
          { 'open-weights': 'open weights', gated: 'gated', api: 'API only', unreleased: 'unreleased' }[m.access] || 'access not stated',
        ];
        if (m.released) facts.push('released ' + m.released);
        if (m.status !== 'active') facts.push(m.status);
        li.appendChild(el('p', 'meta', facts.join(' · ')));
        list.appendChild(li);
      });
      var toCompare = top.slice(0, MAX_COMPARE).map(function (m) {
        return m.id;
      });
      compare.hidden = toCompare.length < 2;
      compare.href = compareUrl(root.dataset.compare, toCompare);
      compare.textContent = 'Compare the top ' + toCompare.length;
      // The same answers as the catalog's filters.
      var p = new URLSearchParams();
      s.task.forEach(function (v) {
        p.append('task', v);
      });
      s.domain.forEach(function (v) {
        p.append('domain', v);
      });
      if (s.max.length) p.set('max', s.max[0]);
      if (s.kind.length < kinds.length) {
        kinds.forEach(function (k) {
          if (!k.checked) return;
          k.dataset.licenses.split(' ').forEach(function (id) {
            if (id) p.append('license', id);
          });
          if (k.value === 'unknown') p.append('license', 'none');
        });
      }
      s.access.forEach(function (v) {
        p.append('access', v);
      });
      if (!s.old) p.set('status', 'active');
      catalogLink.href = root.dataset.models + (p.toString() ? '?' + p : '');
      catalogLink.textContent = 'See all ' + fits.length + ' in the catalog';
    }

    restore();
    root.hidden = false;
    form.addEventListener('input', function () {
      save();
      show();
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
    });
    loadFacets(root.dataset.facets)
      .then(function (d) {
        data = d;
        show();
      })
      .catch(function (e) {
        count.textContent = 'The catalog could not be loaded.';
        console.warn(e);
      });
  }

  // --- the comparison ---------------------------------------------------------

  function comparison(root) {
    var table = document.getElementById('compare-table');
    var status = document.getElementById('compare-status');
    var share = document.getElementById('compare-share');
    var link = document.getElementById('compare-link');
    var input = document.getElementById('compare-q');
    var suggestions = document.getElementById('compare-suggestions');
    var base = link.getAttribute('href');
    var chosen = ids(params().get('models')).slice(0, MAX_COMPARE);
    var pages = {};
    var facets = null;

    // Reads a model's page: its name, fact sheet and evaluation results.
    function fetchModel(id) {
      if (!pages[id]) {
        pages[id] = fetch(root.dataset.models + id + '/')
          .then(function (r) {
            if (!r.ok) throw new Error('no model ' + id);
            return r.text();
          })
          .then(function (html) {
            var doc = new DOMParser().parseFromString(html, 'text/html');
            var fields = [];
            doc.querySelectorAll('[data-field]').forEach(function (f) {
              var dt = f.querySelector('dt');
              var dd = f.querySelector('dd');
              if (dt && dd) fields.push({ key: f.dataset.field, label: dt.textContent.trim(), value: dd });
            });
            var evals = [];
            doc.querySelectorAll('table.evaluations tbody tr').forEach(function (tr) {
              var c = tr.cells;
              evals.push({
                key: [c[0], c[1], c[2]].map(function (x) { return x.textContent.trim(); }).join('\u0000'),
                label: c[1].textContent.trim() + ', ' + c[2].textContent.trim() + ' (' + c[0].textContent.trim() + ')',
                value: c[3].textContent.trim(),
              });
            });
            var h1 = doc.querySelector('h1');
            return { id: id, name: h1 ? h1.textContent.trim() : id, fields: fields, evals: evals };
          });
      }
      return pages[id];
    }

    function render() {
      link.href = compareUrl(base, chosen);
      link.textContent = new URL(link.href, location.href).href;
      share.hidden = chosen.length === 0;
      var p = params();
      if (chosen.length) p.set('models', chosen.join(','));
      else p.delete('models');
      setParams(p);
      if (!chosen.length) {
        table.hidden = true;
        status.textContent = 'No model picked yet: add two to four.';
        return Promise.resolve();
      }
      status.textContent = 'Loading…';
      return Promise.all(
        chosen.map(function (id) {
          return fetchModel(id).catch(function () {
            return null;
          });
        })
      ).then(function (models) {
        var missing = chosen.filter(function (id, i) {
          return !models[i];
        });
        models = models.filter(Boolean);
        fill(models);
        var note = chosen.length < 2 ? ' Add at least one more to compare.' : '';
        status.textContent =
          models.length + ' model' + (models.length === 1 ? '' : 's') + ' side by side.' + note +
          (missing.length ? ' Not in the catalog: ' + missing.join(', ') + '.' : '');
      });
    }

    function fill(models) {
      var head = table.tHead;
      var body = table.tBodies[0];
      head.textContent = '';
      body.textContent = '';
      var tr = el('tr');
      var corner = el('th', '', 'Model');
      corner.scope = 'col';
      tr.appendChild(corner);
      models.forEach(function (m) {
        var th = el('th');
        th.scope = 'col';
        var a = el('a', '', m.name);
        a.href = root.dataset.models + m.id + '/';
        th.appendChild(a);
        var remove = el('button', 'remove', '×');
        remove.type = 'button';
        remove.setAttribute('aria-label', 'Remove ' + m.name);
        remove.addEventListener('click', function () {
          chosen = chosen.filter(function (id) {
            return id !== m.id;
          });
          render();
        });
        th.appendChild(document.createTextNode(' '));
        th.appendChild(remove);
        tr.appendChild(th);
      });
      head.appendChild(tr);

      // Rows in the order fields first appear; a model without one shows a dash.
      var rowsOf = function (list, section) {
        var order = [];
        var labels = {};
        models.forEach(function (m) {
          m[list].forEach(function (f) {
            if (!(f.key in labels)) {
              order.push(f.key);
              labels[f.key] = f.label;
            }
          });
        });
        if (section && order.length) {
          var sr = el('tr', 'compare-section');
          var sh = el('th', '', section);
          sh.scope = 'colgroup';
          sh.colSpan = models.length + 1;
          sr.appendChild(sh);
          body.appendChild(sr);
        }
        order.forEach(function (key) {
          var row = el('tr');
          var th = el('th', '', labels[key]);
          th.scope = 'row';
          row.appendChild(th);
          var texts = [];
          models.forEach(function (m) {
            var td = el('td');
            var f = m[list].filter(function (x) {
              return x.key === key;
            })[0];
            if (!f) {
              td.appendChild(el('span', 'na', '—'));
              texts.push('');
            } else if (typeof f.value === 'string') {
              td.textContent = f.value;
              td.className = 'num';
              texts.push(f.value);
            } else {
              Array.prototype.forEach.call(f.value.childNodes, function (n) {
                td.appendChild(document.importNode(n, true));
              });
              texts.push(f.value.textContent.trim());
            }
            row.appendChild(td);
          });
          if (texts.some(function (t) { return t !== texts[0]; })) row.classList.add('differs');
          body.appendChild(row);
        });
      };
      rowsOf('fields', '');
      rowsOf('evals', 'Evaluation results');
      table.hidden = false;
    }

    function suggest() {
      suggestions.textContent = '';
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      if (!words.length || !facets) return;
      var found = [];
      for (var i = 0; i < facets.models.length && found.length < 8; i++) {
        var m = facets.models[i];
        if (chosen.indexOf(m.id) === -1 && passes(m, 'q', words)) found.push(m);
      }
      found.forEach(function (m) {
        var li = el('li');
        var b = el('button', 'suggestion', m.name);
        b.type = 'button';
        b.disabled = chosen.length >= MAX_COMPARE;
        b.addEventListener('click', function () {
          if (chosen.length >= MAX_COMPARE) return;
          chosen.push(m.id);
          input.value = '';
          suggestions.textContent = '';
          render();
          input.focus();
        });
        li.appendChild(b);
        li.appendChild(el('span', 'meta', ' ' + (facets.names.creators[m.creator] || m.creator)));
        suggestions.appendChild(li);
      });
      if (!found.length) suggestions.appendChild(el('li', 'meta', 'No model by that name.'));
    }

    root.hidden = false;
    input.addEventListener('input', function () {
      if (facets) suggest();
      else
        loadFacets(root.dataset.facets).then(function (f) {
          facets = f;
          suggest();
        });
    });
    document.getElementById('compare-add').addEventListener('submit', function (e) {
      e.preventDefault();
      var first = suggestions.querySelector('button');
      if (first) first.click();
    });
    render();
  }

  var filters = document.getElementById('catalog-filters');
  if (filters) catalog(filters);
  var chooserRoot = document.getElementById('chooser');
  if (chooserRoot) chooser(chooserRoot);
  var compareRoot = document.getElementById('compare');
  if (compareRoot) comparison(compareRoot);
})();
