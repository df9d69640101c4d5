// Site search: the header's box shows the best matches as you type, and
// the search page (search/?q=...) lists them all. Both read the index the
// build wrote to search-index/ (see src/search.rs): a file per first two
// letters of the query's words, and the texts of the results shown.
// Without this script the header's form still leads to the search page.
(function () {
  'use strict';

  // The site's base URL: this script sits at its root.
  var base = new URL('./', document.currentScript.src).href;
  var dir = base + 'search-index/';
  var WORD = /[\p{Alphabetic}\p{N}]+/gu;
  var meta = null;
  var files = {};

  function getJson(url) {
    if (!files[url]) {
      files[url] = fetch(url).then(function (r) {
        if (!r.ok) throw new Error(r.status + ' ' + url);
        return r.json();
      });
      files[url].catch(function () {
        delete files[url];
      });
    }
    return files[url];
  }

  // Loads the index's list of files once, on first use.
  function load() {
    if (!meta) {
      meta = getJson(dir + 'meta.json').then(function (m) {
        m.shardSet = {};
        m.shards.forEach(function (s) {
          m.shardSet[s] = true;
        });
        return m;
      });
      meta.catch(function () {
        meta = null;
      });
    }
    return meta;
  }

  function wordsOf(text) {
    return text.toLowerCase().match(WORD) || [];
  }

  // The word file of a word: its first two characters, as hex of UTF-8.
  function shardOf(word) {
    var head = Array.from(word).slice(0, 2).join('');
    return Array.from(new TextEncoder().encode(head), function (b) {
      return b.toString(16).padStart(2, '0');
    }).join('');
  }

  // Documents that hold every word of `query` (the last one may be the
  // start of a word, as it is while the reader types), best first:
  // resolves to { docs: [ids], terms: [{word, prefix}] }.
  function search(query) {
    var words = wordsOf(query);
    var terms = words.map(function (w, i) {
      var last = i === words.length - 1 && !/\s$/.test(query);
      return { word: w, prefix: last && Array.from(w).length >= 2 };
    });
    if (!terms.length) return Promise.resolve({ docs: [], terms: terms });
    return load().then(function (m) {
      return Promise.all(
        terms.map(function (t) {
          var shard = shardOf(t.word);
          return m.shardSet[shard] ? getJson(dir + 'w/' + shard + '.json') : Promise.resolve({});
        })
      ).then(function (shards) {
        var scores = null;
        terms.forEach(function (t, i) {
          var found = {};
          Object.keys(shards[i]).forEach(function (word) {
            if (word !== t.word && !(t.prefix && word.indexOf(t.word) === 0)) return;
            var list = shards[i][word];
            var idf = Math.log(1 + (m.docs - list.length / 2 + 0.5) / (list.length / 2 + 0.5));
            // A whole word counts more than a word it only starts.
            var boost = word === t.word ? 1 : 0.8;
            for (var j = 0, doc = 0; j < list.length; j += 2) {
              doc += list[j];
              var score = (idf * list[j + 1] * boost) / 100;
              if (!(found[doc] >= score)) found[doc] = score;
            }
          });
          if (scores === null) {
            scores = found;
          } else {
            var both = {};
            Object.keys(scores).forEach(function (doc) {
              if (doc in found) both[doc] = scores[doc] + found[doc];
            });
            scores = both;
          }
        });
        var docs = Object.keys(scores).map(Number);
        docs.sort(function (a, b) {
          return scores[b] - scores[a] || a - b;
        });
        return { docs: docs, terms: terms };
      });
    });
  }

  // A document: { url, title, kind, text }.
  function documentOf(m, doc) {
    var chunk = Math.floor(doc / m.per_chunk);
    return getJson(dir + 'd/' + chunk + '.json').then(function (list) {
      var d = list[doc - chunk * m.per_chunk];
      return { url: base + d[0], title: d[1], kind: d[2], text: d[3] };
    });
  }

  function matches(word, terms) {
    return terms.some(function (t) {
      return word === t.word || (t.prefix && word.indexOf(t.word) === 0);
    });
  }

  // About 24 words of `text` around its first match, matched words marked.
  function excerpt(text, terms) {
    var p = el('p', 'search-excerpt');
    var spans = [];
    var m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text))) spans.push({ start: m.index, end: m.index + m[0].length, hit: matches(m[0].toLowerCase(), terms) });
    var first = spans.findIndex(function (s) {
      return s.hit;
    });
    var from = Math.max(0, (first < 0 ? 0 : first) - 8);
    var to = Math.min(spans.length, from + 24);
    if (!spans.length) return p;
    var at = spans[from].start;
    if (from > 0) p.appendChild(document.createTextNode('… '));
    for (var i = from; i < to; i++) {
      var s = spans[i];
      p.appendChild(document.createTextNode(text.slice(at, s.start)));
      var word = text.slice(s.start, s.end);
      if (s.hit) p.appendChild(el('mark', '', word));
      else p.appendChild(document.createTextNode(word));
      at = s.end;
    }
    if (to < spans.length) p.appendChild(document.createTextNode(' …'));
    return p;
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // One result: title, kind and a snippet with the matched words marked.
  function resultItem(d, terms) {
    var li = el('li', 'search-result');
    var title = el('a', 'search-result-title', d.title || d.url);
    title.href = d.url;
    li.appendChild(title);
    li.appendChild(document.createTextNode(' '));
    li.appendChild(el('span', 'badge', d.kind === 'model' ? 'Model' : 'Page'));
    li.appendChild(excerpt(d.text, terms));
    return li;
  }

  // Shows `count` results from `offset` in `list`; resolves to the next offset.
  function show(found, offset, count, list) {
    var slice = found.docs.slice(offset, offset + count);
    return load()
      .then(function (m) {
        return Promise.all(
          slice.map(function (doc) {
            return documentOf(m, doc);
          })
        );
      })
      .then(function (docs) {
        docs.forEach(function (d) {
          list.appendChild(resultItem(d, found.terms));
        });
        return offset + slice.length;
      });
  }

  function plural(n, word) {
    return n + ' ' + word + (n === 1 ? '' : 's');
  }

  // --- the header's box ---------------------------------------------------

  var input = document.getElementById('site-search-q');
  var panel = document.getElementById('site-search-results');
  if (input && panel) {
    var serial = 0;
    var timer = null;
    var close = function () {
      panel.hidden = true;
    };
    var run = function () {
      var query = input.value.trim();
      var mine = ++serial;
      if (!query) {
        close();
        return;
      }
      search(input.value)
        .then(function (found) {
          if (mine !== serial) return;
          var list = el('ol', 'search-results search-results-compact');
          return show(found, 0, 6, list).then(function () {
            if (mine !== serial) return;
            panel.textContent = '';
            var status = el('p', 'search-status');
            status.textContent = found.docs.length
              ? plural(found.docs.length, 'result') + ' for “' + query + '”'
              : 'Nothing found for “' + query + '”';
            panel.appendChild(status);
            panel.appendChild(list);
            if (found.docs.length > 6) {
              var all = el('a', 'search-all');
              all.href = base + 'search/?q=' + encodeURIComponent(query);
              all.textContent = 'All ' + plural(found.docs.length, 'result');
              panel.appendChild(all);
            }
            panel.hidden = false;
          });
        })
        .catch(function (e) {
          console.warn('search failed', e);
        });
    };
    input.addEventListener('focus', function () {
      load();
    });
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(run, 60);
    });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') close();
    });
    document.addEventListener('click', function (e) {
      if (!input.form.contains(e.target)) close();
    });
    input.form.addEventListener('focusout', function (e) {
      if (!input.form.contains(e.relatedTarget)) close();
    });
  }

  // --- the search page ----------------------------------------------------

  var page = document.getElementById('search-page');
  if (page) {
    var field = document.getElementById('search-page-q');
    var status = document.getElementById('search-page-status');
    var list = document.getElementById('search-page-results');
    var more = document.getElementById('search-page-more');
    var query = new URLSearchParams(location.search).get('q') || '';
    field.value = query;
    if (query.trim()) {
      status.textContent = 'Searching…';
      search(query.trim())
        .then(function (found) {
          var shown = 0;
          var next = function () {
            return show(found, shown, 10, list).then(function (n) {
              shown = n;
              more.hidden = shown >= found.docs.length;
            });
          };
          status.textContent = found.docs.length
            ? plural(found.docs.length, 'result') + ' for “' + query + '”'
            : 'Nothing found for “' + query + '”. Try another word, or browse the catalog.';
          more.addEventListener('click', next);
          return next();
        })
        .catch(function (e) {
          status.textContent = 'The search index could not be loaded.';
          console.warn('search failed', e);
        });
    } else {
      field.focus();
    }
  }
})();
