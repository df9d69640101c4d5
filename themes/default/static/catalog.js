// The catalog in the browser, the comparison page and the chooser.
//
// Without JavaScript the catalog (models/) is one page of the list, by
// name, with links to the other pages. With it, this script reads
// catalog-data/ (written by src/columns.rs; docs/templates.md describes
// it) and shows the whole catalog in one view: every filter, count and
// sort and the words filter cover every model.
//
// How it stays fast at 100,000 models:
// - each column is an array of small codes (Uint16Array), numbered in the
//   column's sort order, so a filter change is one pass over them and a
//   sort is a counting sort;
// - only the rows in view (and a few around them) are in the page, between
//   two spacer rows that stand for the others; their names come from
//   catalog-data/rows/<n>.json, fetched for the rows on screen;
// - the words filter's search through every name runs in a worker (this
//   same file, started with `new Worker`), which loads names.json when the
//   reader first reaches for the filters;
// - the release dates, which only sort and show, load after the filters
//   answer (filters.json leaves them out).
//
// State lives in the page's address (?task=...&sort=parameters&order=desc
// &compare=a,b): a view can be shared, survives a reload, and Back undoes
// the last change of the filters or the order.
(function () {
  'use strict';

  var MAX_COMPARE = 4;
  var MAX_WORDS = 16;
  var ID = /^[a-z0-9._-]+$/;
  var ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
  var OPEN_ACCESS = ['open-weights', 'gated'];

  // Started as a worker: answer searches through the names.
  if (typeof document === 'undefined') {
    namesWorker(self);
    return;
  }
  var SCRIPT = document.currentScript ? document.currentScript.src : '';

  // --- shared -----------------------------------------------------------------

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function ids(value) {
    return (value || '').split(',').filter(function (id, i, all) {
      return ID.test(id) && all.indexOf(id) === i;
    });
  }

  function compareUrl(base, list) {
    return base + (list.length ? '?models=' + list.join(',') : '');
  }

  function query(p) {
    // Commas separate model ids; they need no escaping in an address.
    return p.toString().replace(/%2C/gi, ',');
  }

  function replaceQuery(p) {
    var q = query(p);
    history.replaceState(history.state, '', location.pathname + (q ? '?' + q : '') + location.hash);
  }

  function getJSON(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(r.status + ' ' + url);
      return r.json();
    });
  }

  /** The words of a text, lowercased, as the words filter reads them. */
  function wordsOf(text) {
    var seen = [];
    text
      .toLowerCase()
      .split(/\s+/)
      .forEach(function (w) {
        if (w && seen.indexOf(w) === -1) seen.push(w);
      });
    return seen.slice(0, MAX_WORDS);
  }

  // A count as a reader reads it: 12,345.
  function num(n) {
    return n.toLocaleString('en');
  }

  function plural(n, word) {
    return num(n) + ' ' + word + (n === 1 ? '' : 's');
  }

  // --- catalog-data/ --------------------------------------------------------------

  var DECODE = new Uint8Array(128);
  for (var a = 0; a < ALPHABET.length; a++) DECODE[ALPHABET.charCodeAt(a)] = a;

  /** `width` characters of ALPHABET a model, 6 bits each, to one number a model. */
  function decodeCodes(text, width, count) {
    var out = width <= 2 ? new Uint16Array(count) : new Uint32Array(count);
    var i;
    if (width === 1) {
      for (i = 0; i < count; i++) out[i] = DECODE[text.charCodeAt(i) & 127];
      return out;
    }
    for (i = 0; i < count; i++) {
      var v = 0;
      for (var k = 0, p = i * width; k < width; k++, p++) v = v * 64 + DECODE[text.charCodeAt(p) & 127];
      out[i] = v;
    }
    return out;
  }

  function makeColumn(raw, count) {
    var c = {
      key: raw.key,
      kind: raw.kind,
      options: raw.options,
      // For multi-valued columns, the option lists that codes stand for.
      values: raw.values || null,
      codes: typeof raw.codes === 'string' ? decodeCodes(raw.codes, raw.width, count) : null,
      codesFile: raw.codes_file || null,
      byId: new Map(),
      lower: null,
    };
    // Codes run from 0 (no value) to the number of options or values.
    c.size = (c.values ? c.values.length : c.options.length) + 1;
    c.options.forEach(function (o, i) {
      c.byId.set(o.id, i);
    });
    return c;
  }

  /** The option indexes that code `v` of column `c` stands for. */
  function optionsOf(c, v) {
    if (!v) return [];
    return c.values ? c.values[v - 1] : [v - 1];
  }

  /** A model's option of a single-valued column, or null. */
  function optionAt(c, i) {
    var v = c && c.codes ? c.codes[i] : 0;
    return v ? c.options[optionsOf(c, v)[0]] : null;
  }

  var dataLoads = new Map();
  /** filters.json of the catalog-data folder at `base`, loaded once per page. */
  function catalogData(base) {
    if (!dataLoads.has(base)) {
      var load = getJSON(base + 'filters.json').then(function (raw) {
        var d = {
          base: base,
          count: raw.count,
          chunk: raw.chunk,
          columns: new Map(),
          sizeSteps: raw.size_steps || [],
          later: new Map(),
        };
        raw.columns.forEach(function (rc) {
          d.columns.set(rc.key, makeColumn(rc, raw.count));
        });
        return d;
      });
      load.catch(function () {
        dataLoads.delete(base);
      });
      dataLoads.set(base, load);
    }
    return dataLoads.get(base);
  }

  /** Column `c` with its codes, loading them from its codes_file if they came later. */
  function withCodes(d, c) {
    if (!c || c.codes) return Promise.resolve(c);
    if (!d.later.has(c.key)) {
      var load = getJSON(d.base + c.codesFile).then(function (raw) {
        c.codes = decodeCodes(raw.codes, raw.width, d.count);
        return c;
      });
      load.catch(function () {
        d.later.delete(c.key);
      });
      d.later.set(c.key, load);
    }
    return d.later.get(c.key);
  }

  // The ids and names of the models, a chunk of them per file, kept once
  // loaded: rows[base][n] = {ids, names}.
  var rowLoads = new Map();
  var rowChunks = new Map();
  function loadRows(base, n) {
    var key = base + n;
    if (!rowLoads.has(key)) {
      var load = getJSON(base + 'rows/' + n + '.json').then(function (raw) {
        var fi = raw.fields.indexOf('id');
        var fn = raw.fields.indexOf('name');
        var chunk = { ids: [], names: [] };
        raw.rows.forEach(function (r) {
          chunk.ids.push(r[fi]);
          chunk.names.push(r[fn]);
        });
        rowChunks.set(key, chunk);
        return chunk;
      });
      load.catch(function () {
        rowLoads.delete(key);
      });
      rowLoads.set(key, load);
    }
    return rowLoads.get(key);
  }
  function loadedRow(d, i) {
    var chunk = rowChunks.get(d.base + Math.floor(i / d.chunk));
    if (!chunk) return null;
    var k = i % d.chunk;
    return { id: chunk.ids[k], name: chunk.names[k] };
  }
  /** The {id, name} of models `list`, in their order. */
  function rowsOf(d, list) {
    var chunks = [];
    list.forEach(function (i) {
      var n = Math.floor(i / d.chunk);
      if (chunks.indexOf(n) === -1) chunks.push(n);
    });
    return Promise.all(
      chunks.map(function (n) {
        return loadRows(d.base, n);
      }),
    ).then(function () {
      return list.map(function (i) {
        return loadedRow(d, i);
      });
    });
  }

  // --- filtering, counting, sorting ---------------------------------------------

  /** The accept table of column `c` for the option ids `wanted` (`none`: no value). */
  function acceptIds(c, wanted) {
    var accept = new Uint8Array(c.size);
    var want = new Uint8Array(c.options.length);
    wanted.forEach(function (id) {
      if (id === 'none') accept[0] = 1;
      else if (c.byId.has(id)) want[c.byId.get(id)] = 1;
    });
    for (var v = 1; v < c.size; v++) {
      var opts = optionsOf(c, v);
      for (var k = 0; k < opts.length; k++) {
        if (want[opts[k]]) {
          accept[v] = 1;
          break;
        }
      }
    }
    return accept;
  }

  /** The accept table of the parameters column for a range; no size fails. */
  function acceptRange(c, min, max) {
    var accept = new Uint8Array(c.size);
    c.options.forEach(function (o, k) {
      var n = Number(o.id);
      if ((!min || n >= min) && (!max || n <= max)) accept[k + 1] = 1;
    });
    return accept;
  }

  var PASS = new Uint8Array([0, 1]);

  /**
   * One pass over every model. A model passes filter `f` ({key, codes,
   * accept}) when f.accept[f.codes[model]] is 1. For each facet ({key,
   * codes, size}) it counts, by code, the models that pass every filter
   * but the facet's own (the filter of the same key): what checking one
   * more value of that facet would add. Returns the models that pass
   * every filter, in catalog order, and the counts.
   */
  function evaluate(count, filters, facets) {
    var nf = filters.length;
    var nc = facets.length;
    var fCodes = filters.map(function (f) {
      return f.codes;
    });
    var fAccept = filters.map(function (f) {
      return f.accept;
    });
    var cCodes = facets.map(function (f) {
      return f.codes;
    });
    var counts = facets.map(function (f) {
      return new Int32Array(f.size);
    });
    var own = filters.map(function (f) {
      for (var j = 0; j < nc; j++) if (facets[j].key === f.key) return j;
      return -1;
    });
    var matches = new Int32Array(count);
    var m = 0;
    for (var i = 0; i < count; i++) {
      var failed = -1;
      for (var k = 0; k < nf; k++) {
        if (fAccept[k][fCodes[k][i]] === 0) {
          if (failed !== -1) {
            failed = -2;
            break;
          }
          failed = k;
        }
      }
      if (failed === -1) {
        matches[m++] = i;
        for (var j = 0; j < nc; j++) counts[j][cCodes[j][i]]++;
      } else if (failed >= 0 && own[failed] >= 0) {
        var o = own[failed];
        counts[o][cCodes[o][i]]++;
      }
    }
    return { matches: matches.subarray(0, m), counts: counts };
  }

  /** Counts by code to counts by option (a model counts once for each of its options). */
  function optionCounts(c, byCode) {
    var out = new Int32Array(c.options.length);
    for (var v = 1; v < c.size; v++) {
      if (!byCode[v]) continue;
      var opts = optionsOf(c, v);
      for (var k = 0; k < opts.length; k++) out[opts[k]] += byCode[v];
    }
    return out;
  }

  /**
   * `list` ordered by `codes` (numbered in sort order): a counting sort, so
   * ties keep catalog order, and models without a value come last whichever
   * the direction.
   */
  function sortByCodes(list, codes, size, descending) {
    var n = list.length;
    var start = new Int32Array(size);
    var i;
    for (i = 0; i < n; i++) start[codes[list[i]]]++;
    var pos = 0;
    for (var step = 1; step <= size; step++) {
      var code = step === size ? 0 : descending ? size - step : step;
      var here = start[code];
      start[code] = pos;
      pos += here;
    }
    var out = new Int32Array(n);
    for (i = 0; i < n; i++) out[start[codes[list[i]]]++] = list[i];
    return out;
  }

  function reversed(list) {
    var n = list.length;
    var out = new Int32Array(n);
    for (var i = 0; i < n; i++) out[i] = list[n - 1 - i];
    return out;
  }

  /** For each code of `c`, 1 when one of its options' names or ids holds `word`. */
  function codesHolding(c, word) {
    if (!c.lower) {
      c.lower = c.options.map(function (o) {
        return (o.name + '\u0001' + o.id).toLowerCase();
      });
    }
    var hit = c.lower.map(function (t) {
      return t.indexOf(word) !== -1;
    });
    var out = new Uint8Array(c.size);
    var any = false;
    for (var v = 1; v < c.size; v++) {
      var opts = optionsOf(c, v);
      for (var k = 0; k < opts.length; k++) {
        if (hit[opts[k]]) {
          out[v] = 1;
          any = true;
          break;
        }
      }
    }
    return any ? out : null;
  }

  /**
   * Which models hold every word: in their name or id (bit j of
   * `nameMask[model]` for word j, from the names worker; null when the
   * names could not be loaded) or in the name of one of their values in
   * `columns`.
   */
  function wordsPass(count, words, nameMask, columns) {
    var pass = new Uint8Array(count).fill(1);
    words.forEach(function (w, j) {
      var bit = 1 << j;
      var tables = [];
      columns.forEach(function (c) {
        var t = c.codes && codesHolding(c, w);
        if (t) tables.push({ codes: c.codes, hit: t });
      });
      var nt = tables.length;
      for (var i = 0; i < count; i++) {
        if (!pass[i] || (nameMask && nameMask[i] & bit)) continue;
        var ok = false;
        for (var k = 0; k < nt && !ok; k++) ok = tables[k].hit[tables[k].codes[i]] === 1;
        if (!ok) pass[i] = 0;
      }
    });
    return pass;
  }

  // --- the names, in a worker -----------------------------------------------------

  /**
   * Searches through every model's id and name: names.json's `lines`, a
   * line a model of its `fields` separated by tabs, searched as one
   * lowercase text.
   */
  function namesIndex(raw) {
    var fi = raw.fields.indexOf('id');
    var fn = raw.fields.indexOf('name');
    var n = raw.count;
    var lines = raw.lines;
    // starts[i] is where model i's line begins, in `lines` and in `text`.
    var starts = new Int32Array(n + 1);
    var i;
    var pos = 0;
    for (i = 0; i < n; i++) {
      starts[i] = pos;
      pos = lines.indexOf('\n', pos) + 1;
    }
    starts[n] = lines.length;
    var text = lines.toLowerCase();
    if (text.length !== lines.length) {
      // A letter whose lowercase is longer (such as İ) moved the starts:
      // lowercase model by model instead.
      var parts = new Array(n);
      for (i = 0, pos = 0; i < n; i++) {
        parts[i] = lines.slice(starts[i], starts[i + 1]).toLowerCase();
        starts[i] = pos;
        pos += parts[i].length;
      }
      starts[n] = pos;
      text = parts.join('');
      parts = null;
    }
    // The ids and names, split out of the lines the first time one asks.
    var idList = null;
    var nameList = null;
    function split() {
      if (idList) return;
      idList = new Array(n);
      nameList = new Array(n);
      var at = 0;
      for (var k = 0; k < n; k++) {
        var end = lines.indexOf('\n', at);
        var fields = lines.slice(at, end).split('\t');
        idList[k] = fields[fi];
        nameList[k] = fields[fn];
        at = end + 1;
      }
    }
    var byId = null;

    function match(words) {
      var mask = new Uint16Array(n);
      words.slice(0, MAX_WORDS).forEach(function (w, j) {
        var bit = 1 << j;
        var k = 0;
        var at = w ? text.indexOf(w) : -1;
        while (at !== -1) {
          // The model holding `at`: hits come in order, so k only moves on.
          while (starts[k + 1] <= at) k++;
          mask[k] |= bit;
          at = text.indexOf(w, starts[k + 1]);
        }
      });
      return mask;
    }

    return {
      count: n,
      match: match,
      /** The catalog index and name of each of `wanted` that the catalog has. */
      find: function (wanted) {
        split();
        if (!byId) {
          byId = new Map();
          idList.forEach(function (id, i) {
            byId.set(id, i);
          });
        }
        return wanted
          .filter(function (id) {
            return byId.has(id);
          })
          .map(function (id) {
            var i = byId.get(id);
            return { id: id, index: i, name: nameList[i] };
          });
      },
      /** The first `limit` models, in catalog order, that hold every word, but `exclude`. */
      suggest: function (words, exclude, limit) {
        split();
        var mask = match(words);
        var all = (1 << Math.min(words.length, MAX_WORDS)) - 1;
        var found = [];
        for (var i = 0; i < n && found.length < limit; i++) {
          if (mask[i] === all && exclude.indexOf(idList[i]) === -1) {
            found.push({ id: idList[i], index: i, name: nameList[i] });
          }
        }
        return found;
      },
    };
  }

  /** The worker's side: loads names.json when asked, then answers questions. */
  function namesWorker(scope) {
    var index = null;
    var failed = null;
    var waiting = [];
    function answer(msg) {
      if (failed) {
        scope.postMessage({ id: msg.id, error: failed });
        return;
      }
      var result = index[msg.type].apply(null, msg.args);
      scope.postMessage({ id: msg.id, result: result }, result instanceof Uint16Array ? [result.buffer] : []);
    }
    scope.onmessage = function (e) {
      var msg = e.data;
      if (msg.type === 'load') {
        getJSON(msg.url).then(
          function (raw) {
            index = namesIndex(raw);
            waiting.forEach(answer);
            waiting = [];
          },
          function (err) {
            failed = String(err);
            waiting.forEach(answer);
            waiting = [];
          },
        );
      } else if (index || failed) {
        answer(msg);
      } else {
        waiting.push(msg);
      }
    };
  }

  /**
   * The page's side: `match(words)` (a mask of the models whose id or name
   * holds each word), `find(ids)` and `suggest(words, exclude, limit)`, each
   * a promise. Without workers the same index runs on the page.
   */
  function namesClient(url) {
    var ask;
    var worker = null;
    try {
      if (SCRIPT && typeof Worker === 'function') worker = new Worker(SCRIPT);
    } catch (e) {
      worker = null;
    }
    if (worker) {
      var pending = new Map();
      var next = 1;
      worker.onmessage = function (e) {
        var msg = e.data;
        var p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        if (msg.error) p.reject(new Error(msg.error));
        else p.resolve(msg.result);
      };
      // The worker resolves addresses against its own script, not the page.
      worker.postMessage({ type: 'load', url: new URL(url, location.href).href });
      ask = function (type, args) {
        return new Promise(function (resolve, reject) {
          var id = next++;
          pending.set(id, { resolve: resolve, reject: reject });
          worker.postMessage({ id: id, type: type, args: args });
        });
      };
    } else {
      var local = getJSON(url).then(namesIndex);
      ask = function (type, args) {
        return local.then(function (index) {
          return index[type].apply(null, args);
        });
      };
    }
    return {
      match: function (words) {
        return ask('match', [words]);
      },
      find: function (list) {
        return ask('find', [list]);
      },
      suggest: function (words, exclude, limit) {
        return ask('suggest', [words, exclude, limit]);
      },
    };
  }

  // --- the catalog ------------------------------------------------------------

  /** Rows drawn beyond each edge of the screen, so that scrolling and Tab find them ready. */
  var OVERSCAN = 12;
  /** Up to this many models, the names load once the page is idle (about 100 KB gzipped at most). */
  var PREFETCH_NAMES = 20000;
  /** The height of a row, in pixels, until one is measured. */
  var ROW_GUESS = 38;
  /** Filter groups with at most this many options are filled at once, longer ones when opened. */
  var EAGER_OPTIONS = 200;

  function catalogPage(root) {
    var form = document.getElementById('catalog-filters');
    var table = document.getElementById('catalog');
    var tbody = table.tBodies[0];
    var wrap = table.closest('.table-wrap');
    var countEl = root.querySelector('[data-catalog-count]');
    var pager = root.querySelector('nav.pager');
    var bar = document.getElementById('compare-bar');
    var dataUrl = new URL(root.dataset.catalogData, location.href).href;
    var modelsUrl = root.dataset.models;
    var listPath = new URL(modelsUrl, location.href).pathname;
    var siteRoot = new URL('../', dataUrl).href;
    var pageSize = Number(root.dataset.pageSize) || 100;
    var pageMatch = /\/page\/(\d+)\/?$/.exec(location.pathname);
    var pageNumber = pageMatch ? Number(pageMatch[1]) : 1;
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var groups = Array.prototype.map.call(form.querySelectorAll('details.filter-group[data-column]'), function (d) {
      return { key: d.dataset.column, details: d, box: d.querySelector('.filter-options'), rendered: false };
    });
    var groupKeys = groups.map(function (g) {
      return g.key;
    });
    var qBox = form.elements.q;
    var minBox = form.elements.min;
    var maxBox = form.elements.max;
    var openBox = form.elements.open;
    var openCount = form.querySelector('[data-count="open:1"]');

    var data = null;
    var state = readAddress();
    var picks = state.compare.map(function (id) {
      return { id: id, name: id };
    });
    var view = new Int32Array(0);
    var counted = null; // {byKey: key -> counts by code}
    var words = { list: [], pass: null, seq: 0 };
    var names = null;

    function col(key) {
      return data.columns.get(key) || null;
    }

    // --- the address

    function readAddress() {
      var p = new URLSearchParams(location.search);
      var sort = p.get('sort') || 'name';
      var s = {
        q: p.get('q') || '',
        sel: {},
        open: p.get('open') === '1',
        min: Number(p.get('min')) || 0,
        max: Number(p.get('max')) || 0,
        sort: sort,
        order: p.get('order') === 'desc' ? 'desc' : 'asc',
        compare: ids(p.get('compare')).slice(0, MAX_COMPARE),
      };
      if (
        !heads.some(function (th) {
          return th.dataset.column === sort;
        })
      ) {
        s.sort = 'name';
        s.order = 'asc';
      }
      groupKeys.forEach(function (k) {
        s.sel[k] = p.getAll(k).filter(Boolean);
      });
      return s;
    }

    function address() {
      var p = new URLSearchParams();
      if (state.q.trim()) p.set('q', state.q);
      groupKeys.forEach(function (k) {
        state.sel[k].forEach(function (v) {
          p.append(k, v);
        });
      });
      if (state.open) p.set('open', '1');
      if (state.min) p.set('min', state.min);
      if (state.max) p.set('max', state.max);
      if (state.sort !== 'name' || state.order !== 'asc') {
        p.set('sort', state.sort);
        p.set('order', state.order);
      }
      if (picks.length) {
        p.set(
          'compare',
          picks
            .map(function (m) {
              return m.id;
            })
            .join(','),
        );
      }
      var q = query(p);
      return listPath + (q ? '?' + q : '');
    }

    // Each change of the filters or the order is a step of the history, so
    // Back undoes it; typing in the words box is one step until the box is
    // left or the typing pauses. Picking models to compare replaces the
    // address without a step. The history is written after the next frame:
    // the reader sees the table change first.
    var typing = false;
    var typingTimer = 0;
    var steps = []; // [push?, url] not written yet
    var lastUrl = location.pathname + location.search;
    function record(how) {
      var url = address();
      if (how !== 'type') typing = false;
      if (url === lastUrl) return;
      steps.push([!(how === 'replace' || (how === 'type' && typing)), url]);
      lastUrl = url;
      if (steps.length === 1) {
        requestAnimationFrame(function () {
          setTimeout(writeSteps);
        });
        // Frames wait while the page is hidden; the address should not.
        setTimeout(writeSteps, 200);
      }
      if (how === 'type') {
        typing = true;
        clearTimeout(typingTimer);
        typingTimer = setTimeout(function () {
          typing = false;
        }, 1500);
      }
    }
    function writeSteps() {
      steps.forEach(function (step) {
        if (step[0]) history.pushState(null, '', step[1]);
        else history.replaceState(null, '', step[1]);
      });
      steps = [];
    }

    // --- the form

    function renderGroup(g) {
      if (g.rendered || !data) return;
      var c = col(g.key);
      if (!c) return;
      g.rendered = true;
      g.inputs = [];
      g.spans = [];
      var frag = document.createDocumentFragment();
      function option(value, label) {
        var l = el('label');
        var box = el('input');
        box.type = 'checkbox';
        box.name = g.key;
        box.value = value;
        box.checked = state.sel[g.key].indexOf(value) !== -1;
        var count = el('span', 'count');
        count.dataset.count = g.key + ':' + value;
        l.append(box, ' ' + label + ' ', count);
        frag.appendChild(l);
        g.inputs.push(box);
        g.spans.push(count);
      }
      c.options.forEach(function (o) {
        option(o.id, o.name);
      });
      if (g.none) option('none', 'Not stated');
      g.box.appendChild(frag);
      showGroupCounts(g);
    }

    function writeForm() {
      if (qBox.value !== state.q) qBox.value = state.q;
      minBox.value = state.min ? String(state.min) : '';
      maxBox.value = state.max ? String(state.max) : '';
      openBox.checked = state.open;
      groups.forEach(function (g) {
        var sel = state.sel[g.key];
        if (sel.length && !g.details.open) g.details.open = true;
        if (sel.length) renderGroup(g);
        if (!g.rendered) return;
        g.inputs.forEach(function (box) {
          box.checked = sel.indexOf(box.value) !== -1;
        });
      });
    }

    form.addEventListener('input', function (e) {
      var t = e.target;
      if (t === qBox) {
        state.q = qBox.value;
        wordsChanged();
        record('type');
        return;
      }
      if (t === openBox) state.open = t.checked;
      else if (t === minBox) state.min = Number(t.value) || 0;
      else if (t === maxBox) state.max = Number(t.value) || 0;
      else if (groupKeys.indexOf(t.name) !== -1) {
        var sel = state.sel[t.name].filter(function (v) {
          return v !== t.value;
        });
        if (t.checked) sel.push(t.value);
        state.sel[t.name] = sel;
      } else return;
      update();
      record('push');
    });
    qBox.addEventListener('blur', function () {
      typing = false;
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
    });
    form.addEventListener('reset', function (e) {
      e.preventDefault();
      state.q = '';
      state.open = false;
      state.min = state.max = 0;
      groupKeys.forEach(function (k) {
        state.sel[k] = [];
      });
      writeForm();
      wordsChanged();
      record('push');
    });
    groups.forEach(function (g) {
      g.details.addEventListener('toggle', function () {
        if (g.details.open) renderGroup(g);
      });
    });

    window.addEventListener('popstate', function () {
      if (!data) return;
      var before = state;
      state = readAddress();
      typing = false;
      writeForm();
      if (state.q !== before.q) wordsChanged();
      else update();
      // The picked models stay as they are: picking is not a step of the history.
      steps = [];
      lastUrl = address();
      history.replaceState(null, '', lastUrl);
    });

    // --- the words filter

    function searchedColumns() {
      return heads
        .map(function (th) {
          return th.dataset.column;
        })
        .filter(function (k) {
          return k !== 'name' && data.columns.has(k);
        })
        .map(col);
    }

    /** Starts matching the words box; the view follows when the answer comes. */
    function wordsChanged() {
      var list = wordsOf(state.q);
      var seq = ++words.seq;
      words.list = list;
      if (!list.length) {
        words.pass = null;
        update();
        return Promise.resolve();
      }
      root.setAttribute('aria-busy', 'true');
      return namesOf()
        .match(list)
        .catch(function (e) {
          console.warn('The names could not be searched:', e);
          return null;
        })
        .then(function (mask) {
          if (seq !== words.seq) return;
          words.mask = mask;
          words.pass = wordsPass(data.count, list, mask, searchedColumns());
          root.removeAttribute('aria-busy');
          update();
        });
    }

    function namesOf() {
      if (!names) names = namesClient(dataUrl + 'names.json');
      return names;
    }

    // --- computing the view

    function update() {
      if (!data) return;
      var filters = [];
      var facets = [];
      groups.forEach(function (g) {
        var c = col(g.key);
        if (!c || !c.codes) return;
        facets.push({ key: g.key, codes: c.codes, size: c.size });
        if (state.sel[g.key].length) filters.push({ key: g.key, codes: c.codes, accept: acceptIds(c, state.sel[g.key]) });
      });
      var access = col('access');
      if (access && access.codes) {
        facets.push({ key: 'open', codes: access.codes, size: access.size });
        if (state.open) filters.push({ key: 'open', codes: access.codes, accept: acceptIds(access, OPEN_ACCESS) });
      }
      var params = col('parameters');
      if ((state.min || state.max) && params && params.codes) {
        filters.push({ key: 'size', codes: params.codes, accept: acceptRange(params, state.min, state.max) });
      }
      if (words.list.length && words.pass) filters.push({ key: 'q', codes: words.pass, accept: PASS });

      // Where the rows on screen are, read before anything changes, so that
      // drawing them lays the page out only once.
      var at = topSpacer ? screen() : null;
      var result = evaluate(data.count, filters, facets);
      counted = new Map();
      facets.forEach(function (f, j) {
        counted.set(f.key, result.counts[j]);
      });
      view = ordered(result.matches);
      groups.forEach(showGroupCounts);
      if (openCount && access && counted.has('open')) {
        var byCode = counted.get('open');
        var open = 0;
        OPEN_ACCESS.forEach(function (id) {
          if (access.byId.has(id)) open += byCode[access.byId.get(id) + 1];
        });
        openCount.textContent = String(open);
      }
      showTotals();
      paint(at);
    }

    function ordered(matches) {
      var desc = state.order === 'desc';
      if (state.sort === 'name') return desc ? reversed(matches) : matches;
      var c = col(state.sort);
      if (!c) return matches;
      if (!c.codes) {
        // Its codes come later: sort once they are in.
        withCodes(data, c).then(update, function (e) {
          console.warn(e);
        });
        return matches;
      }
      return sortByCodes(matches, c.codes, c.size, desc);
    }

    function showGroupCounts(g) {
      if (!g.rendered || !counted || !counted.has(g.key)) return;
      var c = col(g.key);
      var byCode = counted.get(g.key);
      var byOption = optionCounts(c, byCode);
      g.spans.forEach(function (span, k) {
        var n = k < byOption.length ? byOption[k] : byCode[0];
        var text = num(n);
        if (span.textContent !== text) span.textContent = text;
      });
    }

    function sortPhrase() {
      if (state.sort === 'name') return state.order === 'desc' ? ', by name from Z to A' : ', by name';
      var c = col(state.sort);
      var th = header(state.sort);
      var label = th ? th.textContent.trim().toLowerCase() : state.sort;
      var desc = state.order === 'desc';
      var way = desc ? 'from Z to A' : 'from A to Z';
      if (c && c.kind === 'number') way = desc ? 'largest first' : 'smallest first';
      if (c && c.kind === 'date') way = desc ? 'newest first' : 'oldest first';
      return ', by ' + label + ', ' + way;
    }

    function showTotals() {
      var n = view.length;
      countEl.textContent = num(n);
      var text = num(n) + ' of ' + plural(data.count, 'model') + sortPhrase();
      if (table.caption) table.caption.textContent = text;
      if (wrap) wrap.setAttribute('aria-label', text);
      table.setAttribute('aria-rowcount', String(n + 1));
      heads.forEach(function (th) {
        var button = th.querySelector('button.sort');
        if (!button) return;
        if (th.dataset.column === state.sort) {
          th.setAttribute('aria-sort', state.order === 'desc' ? 'descending' : 'ascending');
          button.dataset.order = state.order;
        } else {
          th.removeAttribute('aria-sort');
          delete button.dataset.order;
        }
      });
    }

    function header(key) {
      for (var k = 0; k < heads.length; k++) if (heads[k].dataset.column === key) return heads[k];
      return null;
    }

    // --- sorting by a header

    function setupHeaders() {
      heads.forEach(function (th) {
        var key = th.dataset.column;
        if (key !== 'name' && !data.columns.has(key)) return;
        var button = el('button', 'sort');
        button.type = 'button';
        while (th.firstChild) button.appendChild(th.firstChild);
        th.appendChild(button);
        button.addEventListener('click', function () {
          var c = key === 'name' ? null : col(key);
          if (state.sort === key) state.order = state.order === 'asc' ? 'desc' : 'asc';
          else state.order = c && (c.kind === 'number' || c.kind === 'date') ? 'desc' : 'asc';
          state.sort = key;
          withCodes(data, c).then(
            function () {
              update();
              record('push');
            },
            function (e) {
              console.warn(e);
            },
          );
        });
      });
    }

    // --- the rows in view

    var rowHeight = 0;
    var drawn = new Map(); // model index -> {tr, box, stamp}
    var topSpacer = null;
    var bottomSpacer = null;
    var emptyRow = null;
    var framePending = false;

    function spacer() {
      var tr = el('tr', 'spacer');
      tr.setAttribute('aria-hidden', 'true');
      var td = el('td');
      td.colSpan = heads.length;
      tr.appendChild(td);
      return tr;
    }

    function setupBody() {
      var widths = columnWidths();
      heads.forEach(function (th, k) {
        th.style.width = widths[k].toFixed(2) + '%';
      });
      table.classList.add('catalog-virtual');
      tbody.textContent = '';
      topSpacer = spacer();
      bottomSpacer = spacer();
      emptyRow = el('tr', 'empty-row');
      var td = el('td', '', 'No model matches all of these filters.');
      td.colSpan = heads.length;
      emptyRow.appendChild(td);
      emptyRow.hidden = true;
      tbody.append(topSpacer, emptyRow, bottomSpacer);
      window.addEventListener('scroll', schedulePaint, { passive: true });
      window.addEventListener('resize', function () {
        rowHeight = 0;
        schedulePaint();
      });
    }

    /**
     * The columns' widths, in percent, kept whichever rows are drawn: what
     * the page's own rows need on one line (the names with room for the
     * box to pick them), the names first (up to 40%), then the shorter
     * columns whole, and what is left shared by the longest.
     */
    function columnWidths() {
      var total = table.getBoundingClientRect().width;
      table.classList.add('catalog-measure');
      var natural = heads.map(function (th) {
        return th.getBoundingClientRect().width;
      });
      table.classList.remove('catalog-measure');
      var fontSize = parseFloat(getComputedStyle(table).fontSize) || 16;
      natural = natural.map(function (w, k) {
        return heads[k].dataset.column === 'name' ? w + 2 * fontSize : w;
      });
      // Where the table scrolls sideways in its box (a narrow screen), it
      // may be as wide as its rows need.
      if (wrap && getComputedStyle(wrap).overflowX !== 'visible') {
        var wide = Math.min(
          natural.reduce(function (s, w) {
            return s + w;
          }, 0),
          130 * fontSize,
        );
        if (wide > total) {
          total = wide;
          table.style.minWidth = Math.round(wide) + 'px';
        }
      }
      var out = natural.slice();
      var rest = total;
      var others = [];
      heads.forEach(function (th, k) {
        if (th.dataset.column === 'name') {
          out[k] = Math.min(natural[k], total * 0.4);
          rest -= out[k];
        } else others.push(k);
      });
      var needed = others.reduce(function (s, k) {
        return s + natural[k];
      }, 0);
      if (needed <= rest) {
        others.forEach(function (k) {
          out[k] = natural[k] * (rest / needed);
        });
      } else {
        others.sort(function (x, y) {
          return natural[x] - natural[y];
        });
        others.forEach(function (k, n) {
          var share = rest / (others.length - n);
          out[k] = Math.min(natural[k], share);
          rest -= out[k];
        });
      }
      return out.map(function (w) {
        return (w / total) * 100;
      });
    }

    function schedulePaint() {
      if (framePending) return;
      framePending = true;
      requestAnimationFrame(function () {
        framePending = false;
        paint();
      });
    }

    /** Where the screen is over the rows: the position of its first row, and how many fit. */
    function screen() {
      var h = rowHeight || ROW_GUESS;
      var top = tbody.getBoundingClientRect().top;
      return { first: Math.floor(Math.max(0, -top) / h), rows: Math.ceil(window.innerHeight / h) + 1 };
    }

    /** The positions of the view to draw for screen `at`: those on it and a margin around them. */
    function range(at) {
      var n = view.length;
      var first = Math.min(at.first, Math.max(0, n - at.rows));
      return [Math.max(0, first - OVERSCAN), Math.min(n, first + at.rows + OVERSCAN)];
    }

    function stampOf(i) {
      var released = col('released');
      return (loadedRow(data, i) ? 1 : 0) + (released && !released.codes ? 0 : 2);
    }

    /** Draws the rows for screen `at` (read before the page was changed), or for the screen now. */
    function paint(at) {
      if (!topSpacer || !data) return;
      var r = range(at || screen());
      var a = r[0];
      var b = r[1];
      var want = new Map();
      for (var p = a; p < b; p++) want.set(view[p], p);
      drawn.forEach(function (row, i) {
        if (!want.has(i) || row.stamp !== stampOf(i)) {
          row.tr.remove();
          drawn.delete(i);
        }
      });
      var node = topSpacer.nextSibling;
      var missing = [];
      for (p = a; p < b; p++) {
        var i = view[p];
        var row = drawn.get(i);
        if (!row) {
          row = makeRow(i);
          drawn.set(i, row);
        }
        if (row.stamp % 2 === 0) missing.push(i);
        if (row.tr !== node) tbody.insertBefore(row.tr, node);
        else node = node.nextSibling;
        row.tr.setAttribute('aria-rowindex', String(p + 2));
      }
      var h = rowHeight || ROW_GUESS;
      topSpacer.firstChild.style.height = a * h + 'px';
      bottomSpacer.firstChild.style.height = (view.length - b) * h + 'px';
      emptyRow.hidden = view.length > 0;
      // The rows' height, measured once (and again after a resize): a
      // measure lays the page out, which costs more than drawing the rows.
      if (!rowHeight && b - a >= 2) {
        var first = drawn.get(view[a]).tr.getBoundingClientRect();
        var last = drawn.get(view[b - 1]).tr.getBoundingClientRect();
        var measured = (last.bottom - first.top) / (b - a);
        if (measured > 0) {
          rowHeight = measured;
          if (Math.abs(measured - ROW_GUESS) > 0.5) schedulePaint();
        }
      }
      if (missing.length) {
        rowsOf(data, missing).then(schedulePaint, function (e) {
          console.warn(e);
        });
      }
    }

    function na(text) {
      var s = el('span', 'na');
      s.append(el('span', '', '—'), el('span', 'sr-only', text));
      s.firstChild.setAttribute('aria-hidden', 'true');
      return s;
    }

    function termLink(o) {
      if (!o.path) return document.createTextNode(o.name);
      var a = el('a', '', o.name);
      a.href = siteRoot + o.path;
      return a;
    }

    function makeRow(i) {
      var tr = el('tr');
      var row = { tr: tr, box: null, stamp: stampOf(i) };
      var model = loadedRow(data, i);
      var status = optionAt(col('status'), i);
      if (status && status.id !== 'active') tr.className = 'status-' + status.id;
      if (model) tr.dataset.id = model.id;
      heads.forEach(function (th) {
        var key = th.dataset.column;
        if (key === 'name') {
          var cell = el('th', 'model-name');
          cell.scope = 'row';
          if (!model) {
            cell.appendChild(el('span', 'na', 'Loading…'));
          } else {
            var box = el('input', 'pick');
            box.type = 'checkbox';
            box.value = model.id;
            pickNames.set(box, model.name);
            box.setAttribute('aria-label', 'Compare ' + model.name);
            row.box = box;
            var link = el('a', '', model.name);
            link.href = modelsUrl + model.id + '/';
            link.title = model.name;
            cell.append(box, ' ', link);
            if (status && status.id === 'deprecated') cell.append(' ', el('span', 'badge badge-warn', 'deprecated'));
            if (status && status.id === 'removed') cell.append(' ', el('span', 'badge badge-danger', 'removed'));
            markPick(row);
          }
          tr.appendChild(cell);
          return;
        }
        tr.appendChild(cellOf(col(key), i));
      });
      return row;
    }

    function cellOf(c, i) {
      var td = el('td');
      if (!c) return td;
      if (!c.codes) {
        td.className = c.kind === 'number' ? 'num' : c.kind === 'date' ? 'released' : '';
        td.setAttribute('aria-busy', 'true');
        return td;
      }
      var opts = optionsOf(c, c.codes[i]).map(function (k) {
        return c.options[k];
      });
      switch (c.kind) {
        case 'terms':
          td.className = 'tasks';
          if (!opts.length) td.appendChild(na('none listed'));
          opts.forEach(function (o, k) {
            if (k) td.append(', ');
            td.appendChild(termLink(o));
          });
          td.title = opts
            .map(function (o) {
              return o.name;
            })
            .join(', ');
          break;
        case 'number':
          td.className = 'num';
          if (opts.length) td.textContent = opts[0].name;
          else td.appendChild(el('span', 'na', 'unknown'));
          break;
        case 'date':
          td.className = 'released';
          if (opts.length) {
            var t = el('time', '', opts[0].id);
            t.dateTime = opts[0].id;
            td.appendChild(t);
          } else td.appendChild(na('unknown'));
          break;
        case 'choice':
          if (!opts.length) td.appendChild(na('not stated'));
          else if (c.key === 'access') td.appendChild(el('span', 'access access-' + opts[0].id, opts[0].name));
          else td.textContent = opts[0].name;
          break;
        case 'term':
          if (opts.length) td.appendChild(termLink(opts[0]));
          else td.appendChild(na('not stated'));
          break;
        default:
          if (opts.length) {
            td.textContent = opts
              .map(function (o) {
                return o.name;
              })
              .join(', ');
          } else td.appendChild(na('none'));
      }
      return td;
    }

    // --- picking models to compare

    var pickNames = new WeakMap(); // a row's box -> its model's name

    function picked(id) {
      return picks.some(function (m) {
        return m.id === id;
      });
    }

    function markPick(row) {
      if (!row.box) return;
      row.box.checked = picked(row.box.value);
      row.box.disabled = !row.box.checked && picks.length >= MAX_COMPARE;
    }

    function showPicked() {
      var list = picks.map(function (m) {
        return m.id;
      });
      document.getElementById('compare-count').textContent = picks.length;
      document.getElementById('compare-names').textContent = picks.length
        ? ': ' +
          picks
            .map(function (m) {
              return m.name;
            })
            .join(', ')
        : '';
      document.getElementById('compare-go').href = compareUrl(bar.dataset.compareUrl, list);
      bar.hidden = picks.length === 0;
      drawn.forEach(markPick);
    }

    tbody.addEventListener('change', function (e) {
      var box = e.target;
      if (!box.matches('input.pick')) return;
      picks = picks.filter(function (m) {
        return m.id !== box.value;
      });
      if (box.checked && picks.length < MAX_COMPARE) picks.push({ id: box.value, name: pickNames.get(box) || box.value });
      showPicked();
      record('replace');
    });
    document.getElementById('compare-clear').addEventListener('click', function () {
      picks = [];
      showPicked();
      record('replace');
    });

    // --- start

    function firstPosition() {
      return pageNumber > 1 ? Math.max(0, Math.min(view.length - 1, (pageNumber - 1) * pageSize)) : 0;
    }

    function start(d) {
      data = d;
      groups.forEach(function (g) {
        var c = col(g.key);
        if (!c || c.values) return;
        var stated = c.options.reduce(function (s, o) {
          return s + o.count;
        }, 0);
        g.none = stated < data.count;
      });
      groups.forEach(function (g) {
        var c = col(g.key);
        if (!c || (!c.options.length && !g.none)) g.details.hidden = true;
        // A long list of options waits until its group is opened.
        else if (c.options.length <= EAGER_OPTIONS) renderGroup(g);
      });
      var sortColumn = state.sort === 'name' ? null : col(state.sort);
      return Promise.all([withCodes(data, sortColumn), state.q ? wordsChanged() : null]).then(function () {
        writeForm();
        update();
        // The names of the first rows to show, before the page's own rows give way.
        var p = firstPosition();
        var onScreen = Math.ceil(window.innerHeight / ROW_GUESS) + 1;
        var first = Array.prototype.slice.call(view.subarray(Math.max(0, p - OVERSCAN), p + onScreen + OVERSCAN));
        return rowsOf(data, first).catch(function (e) {
          console.warn(e);
        });
      });
    }

    function show() {
      setupHeaders();
      setupBody();
      if (pager) pager.hidden = true;
      form.hidden = false;
      showTotals();
      paint();
      var p = firstPosition();
      if (p > 0) {
        var h = rowHeight || ROW_GUESS;
        var head = table.tHead.getBoundingClientRect().height;
        window.scrollTo(0, tbody.getBoundingClientRect().top + window.scrollY + p * h - head);
        paint();
      }
      showPicked();
      root.dataset.catalogReady = String(Math.round(performance.now()));
    }

    function afterReady() {
      // What only sorts and shows.
      data.columns.forEach(function (c) {
        if (!c.codes) {
          withCodes(data, c).then(
            function () {
              if (words.list.length) wordsChanged();
              schedulePaint();
            },
            function (e) {
              console.warn(e);
            },
          );
        }
      });
      // The names load once the reader reaches for the filters (or the
      // address has models picked), so that a reader of a large catalog
      // who never uses them never downloads them.
      form.addEventListener('focusin', namesOf);
      form.addEventListener('pointerenter', namesOf);
      // For a catalog of modest size they are small: load them when idle.
      if (data.count <= PREFETCH_NAMES) {
        if (window.requestIdleCallback) requestIdleCallback(namesOf, { timeout: 3000 });
        else setTimeout(namesOf, 1000);
      }
      if (picks.length) {
        namesOf()
          .find(
            picks.map(function (m) {
              return m.id;
            }),
          )
          .then(function (found) {
            picks = found.map(function (m) {
              return { id: m.id, name: m.name };
            });
            showPicked();
            record('replace');
          })
          .catch(function (e) {
            console.warn(e);
          });
      }
    }

    // The first chunk of names is what an unfiltered first page shows: ask
    // for it at once, beside filters.json.
    if (
      pageNumber === 1 &&
      state.sort === 'name' &&
      state.order === 'asc' &&
      !state.q &&
      !state.open &&
      !state.min &&
      !state.max &&
      groupKeys.every(function (k) {
        return !state.sel[k].length;
      })
    ) {
      loadRows(dataUrl, 0).catch(function () {});
    }
    catalogData(dataUrl)
      .then(start)
      .then(function () {
        show();
        afterReady();
      })
      .catch(function (e) {
        var status = document.getElementById('catalog-status');
        console.warn('The catalog could not be loaded:', e);
        if (status) status.textContent = 'The filters could not be loaded; this is one page of the catalog.';
      });
  }

  // --- the chooser ------------------------------------------------------------

  function chooserPage(root) {
    var form = document.getElementById('chooser-form');
    var countEl = document.getElementById('chooser-count');
    var list = document.getElementById('chooser-list');
    var compare = document.getElementById('chooser-compare');
    var catalogLink = document.getElementById('chooser-catalog');
    var taskBox = form.elements.task;
    var domainBox = form.elements.domain;
    var kinds = Array.prototype.slice.call(form.querySelectorAll('input[name="kind"]'));
    var data = null;
    var shown = 0;

    function answers() {
      var s = { task: '', domain: '', max: 0, kind: [], access: [], old: false };
      new FormData(form).forEach(function (value, key) {
        if (key === 'old') s.old = true;
        else if (key === 'max') s.max = Number(value) || 0;
        else if (key === 'kind' || key === 'access') s[key].push(value);
        else if (key === 'task' || key === 'domain') s[key] = value;
      });
      return s;
    }

    function restore() {
      var p = new URLSearchParams(location.search);
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
      replaceQuery(p);
    }

    function col(key) {
      return data.columns.get(key) || null;
    }

    /** The kind of licence that each code of the licence column stands for. */
    function kindCodes(lic) {
      var out = [];
      for (var v = 0; v < lic.size; v++) out.push(v ? lic.options[v - 1].license_kind || 'community' : 'unknown');
      return out;
    }

    // The select's options, from the data, each with its count.
    function fillSelect(select, c, byOption, anyLabel) {
      var value = select.value;
      var options = [new Option(anyLabel, '')];
      c.options.forEach(function (o, k) {
        options.push(new Option(o.name + ' (' + byOption[k] + ')', o.id));
      });
      select.replaceChildren.apply(select, options);
      select.value = c.byId.has(value) ? value : '';
    }

    function setCount(input, n) {
      var span = input.parentNode.querySelector('.count');
      if (span) span.textContent = num(n);
    }

    function show() {
      if (!data) return;
      var s = answers();
      var task = col('task');
      var domain = col('domain');
      var params = col('parameters');
      var lic = col('license');
      var access = col('access');
      var status = col('status');
      var released = col('released');
      var kindOf = kindCodes(lic);
      var filters = [];
      var facets = [
        { key: 'task', codes: task.codes, size: task.size },
        { key: 'domain', codes: domain.codes, size: domain.size },
        { key: 'size', codes: params.codes, size: params.size },
        { key: 'kind', codes: lic.codes, size: lic.size },
        { key: 'access', codes: access.codes, size: access.size },
      ];
      if (s.task) filters.push({ key: 'task', codes: task.codes, accept: acceptIds(task, [s.task]) });
      if (s.domain) filters.push({ key: 'domain', codes: domain.codes, accept: acceptIds(domain, [s.domain]) });
      if (s.max) filters.push({ key: 'size', codes: params.codes, accept: acceptRange(params, 0, s.max) });
      var kindAccept = new Uint8Array(lic.size);
      kindOf.forEach(function (k, v) {
        kindAccept[v] = s.kind.indexOf(k) !== -1 ? 1 : 0;
      });
      filters.push({ key: 'kind', codes: lic.codes, accept: kindAccept });
      var accessAccept = acceptIds(access, s.access);
      accessAccept[0] = 0;
      filters.push({ key: 'access', codes: access.codes, accept: accessAccept });
      if (!s.old) filters.push({ key: 'old', codes: status.codes, accept: acceptIds(status, ['active']) });

      var result = evaluate(data.count, filters, facets);
      var counts = result.counts;

      // Each answer's options count the models that fit every other answer.
      if (taskBox) fillSelect(taskBox, task, optionCounts(task, counts[0]), 'Any task');
      if (domainBox) fillSelect(domainBox, domain, optionCounts(domain, counts[1]), 'Any domain');
      var bySize = counts[2];
      form.querySelectorAll('input[name="max"]').forEach(function (radio) {
        var max = Number(radio.value) || 0;
        var n = 0;
        for (var v = max ? 1 : 0; v < params.size; v++) {
          if (!max || Number(params.options[v - 1].id) <= max) n += bySize[v];
        }
        setCount(radio, n);
      });
      kinds.forEach(function (box) {
        var n = 0;
        kindOf.forEach(function (k, v) {
          if (k === box.value) n += counts[3][v];
        });
        setCount(box, n);
      });
      var byAccess = counts[4];
      form.querySelectorAll('input[name="access"]').forEach(function (box) {
        setCount(box, access.byId.has(box.value) ? byAccess[access.byId.get(box.value) + 1] : 0);
      });

      // The short list: active before deprecated and removed, newest first,
      // then in catalog order. A model ranks by one number: its status,
      // then its release date's code (larger is newer).
      var statusRank = [];
      for (var v = 0; v < status.size; v++) {
        var at = v ? ['active', 'deprecated', 'removed'].indexOf(status.options[v - 1].id) : -1;
        statusRank.push(at === -1 ? 3 : at);
      }
      var top = [];
      var matches = result.matches;
      for (var m = 0; m < matches.length; m++) {
        var i = matches[m];
        var r = statusRank[status.codes[i]] * released.size - released.codes[i];
        var k = top.length;
        while (k > 0 && top[k - 1].r > r) k--;
        if (k < 5) {
          top.splice(k, 0, { i: i, r: r });
          if (top.length > 5) top.pop();
        }
      }
      var fits = matches.length;
      countEl.textContent = fits
        ? plural(fits, 'model') + (fits === 1 ? ' fits' : ' fit') + (fits > top.length ? '; the ' + top.length + ' newest:' : ':')
        : 'No model fits all of that. Loosen an answer: a larger size, another ' + (root.dataset.licence || 'licence') + ' or access.';
      var mine = ++shown;
      rowsOf(
        data,
        top.map(function (t) {
          return t.i;
        }),
      ).then(function (rows) {
        if (mine !== shown) return;
        list.textContent = '';
        rows.forEach(function (row, k) {
          var i = top[k].i;
          var li = el('li');
          var a = el('a', 'shortlist-name', row.name);
          a.href = root.dataset.models + row.id + '/';
          li.appendChild(a);
          var creator = optionAt(col('creator'), i);
          var size = optionAt(params, i);
          var license = optionAt(lic, i);
          var acc = optionAt(access, i);
          var date = optionAt(released, i);
          var st = optionAt(status, i);
          var facts = [
            creator ? creator.name : '',
            size ? size.name : 'unknown size',
            license ? license.name : (root.dataset.licence || 'licence') + ' not stated',
            acc ? acc.name.toLowerCase().replace('api', 'API') : 'access not stated',
          ];
          if (date) facts.push('released ' + date.id);
          if (st && st.id !== 'active') facts.push(st.id);
          li.appendChild(el('p', 'meta', facts.filter(Boolean).join(' · ')));
          list.appendChild(li);
        });
        var toCompare = rows.slice(0, MAX_COMPARE).map(function (row) {
          return row.id;
        });
        compare.hidden = toCompare.length < 2;
        compare.href = compareUrl(root.dataset.compare, toCompare);
        compare.textContent = 'Compare the top ' + toCompare.length;
      });

      // The same answers as the catalog's filters.
      var p = new URLSearchParams();
      if (s.task) p.append('task', s.task);
      if (s.domain) p.append('domain', s.domain);
      if (s.max) p.set('max', s.max);
      if (s.kind.length < kinds.length) {
        lic.options.forEach(function (o, k) {
          if (s.kind.indexOf(kindOf[k + 1]) !== -1) p.append('license', o.id);
        });
        if (s.kind.indexOf('unknown') !== -1) p.append('license', 'none');
      }
      s.access.forEach(function (v) {
        p.append('access', v);
      });
      if (!s.old) p.set('status', 'active');
      catalogLink.href = root.dataset.models + (p.toString() ? '?' + query(p) : '');
      catalogLink.textContent = 'See all ' + fits + ' in the catalog';
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
    catalogData(root.dataset.catalogData)
      .then(function (d) {
        return withCodes(d, d.columns.get('released')).then(function () {
          data = d;
          show();
        });
      })
      .catch(function (e) {
        countEl.textContent = 'The catalog could not be loaded.';
        console.warn(e);
      });
  }

  // --- the comparison ---------------------------------------------------------

  function comparisonPage(root) {
    var table = document.getElementById('compare-table');
    var status = document.getElementById('compare-status');
    var share = document.getElementById('compare-share');
    var link = document.getElementById('compare-link');
    var input = document.getElementById('compare-q');
    var suggestions = document.getElementById('compare-suggestions');
    var base = link.getAttribute('href');
    var chosen = ids(new URLSearchParams(location.search).get('models')).slice(0, MAX_COMPARE);
    var pages = {};
    var names = null;
    var asked = 0;

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
                key: [c[0], c[1], c[2]]
                  .map(function (x) {
                    return x.textContent.trim();
                  })
                  .join('\u0000'),
                label: c[1].textContent.trim() + ', ' + c[2].textContent.trim() + ' (' + c[0].textContent.trim() + ')',
                value: c[3].textContent.trim(),
              });
            });
            var h1 = doc.querySelector('h1');
            return { id: id, name: h1 ? h1.textContent.trim() : id, fields: fields, evals: evals };
          });
        pages[id].catch(function () {
          delete pages[id];
        });
      }
      return pages[id];
    }

    function render() {
      link.href = compareUrl(base, chosen);
      link.textContent = new URL(link.href, location.href).href;
      share.hidden = chosen.length === 0;
      var p = new URLSearchParams(location.search);
      if (chosen.length) p.set('models', chosen.join(','));
      else p.delete('models');
      replaceQuery(p);
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
        }),
      ).then(function (models) {
        var missing = chosen.filter(function (id, i) {
          return !models[i];
        });
        models = models.filter(Boolean);
        fill(models);
        var note = chosen.length < 2 ? ' Add at least one more to compare.' : '';
        status.textContent =
          plural(models.length, 'model') +
          ' side by side.' +
          note +
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
        th.append(' ', remove);
        tr.appendChild(th);
      });
      head.appendChild(tr);

      // Rows in the order fields first appear; a model without one shows a dash.
      function rowsOfList(listName, section) {
        var order = [];
        var labels = {};
        models.forEach(function (m) {
          m[listName].forEach(function (f) {
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
            var f = m[listName].filter(function (x) {
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
          if (
            texts.some(function (t) {
              return t !== texts[0];
            })
          ) {
            row.classList.add('differs');
          }
          body.appendChild(row);
        });
      }
      rowsOfList('fields', '');
      rowsOfList('evals', 'Evaluation results');
      table.hidden = false;
    }

    function suggest() {
      var list = wordsOf(input.value);
      var mine = ++asked;
      if (!list.length) {
        suggestions.textContent = '';
        return;
      }
      if (!names) names = namesClient(root.dataset.catalogData + 'names.json');
      names.suggest(list, chosen, 8).then(
        function (found) {
          if (mine !== asked) return;
          suggestions.textContent = '';
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
            li.append(b, el('span', 'meta', ' ' + m.id));
            suggestions.appendChild(li);
          });
          if (!found.length) suggestions.appendChild(el('li', 'meta', 'No model by that name.'));
        },
        function (e) {
          console.warn(e);
          if (mine === asked) suggestions.textContent = '';
        },
      );
    }

    root.hidden = false;
    input.addEventListener('input', suggest);
    document.getElementById('compare-add').addEventListener('submit', function (e) {
      e.preventDefault();
      var first = suggestions.querySelector('button');
      if (first) first.click();
    });
    render();
  }

  var catalogRoot = document.getElementById('catalog-root');
  if (catalogRoot && document.getElementById('catalog-filters')) catalogPage(catalogRoot);
  var chooserRoot = document.getElementById('chooser');
  if (chooserRoot) chooserPage(chooserRoot);
  var compareRoot = document.getElementById('compare');
  if (compareRoot) comparisonPage(compareRoot);
})();
