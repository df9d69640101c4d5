// The script of every page: wide tables and code blocks, then the site's
// search.
//
// Tables and code blocks wider than their column scroll sideways inside
// their box. A table that does gets a line above it saying so (and which
// way the rest is); the box is marked data-scrolls for the stylesheet.
// Checked again when the window or the box changes size.
(function () {
  'use strict';

  function check(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    var hint = box.previousElementSibling;
    var has = hint && hint.classList.contains('scroll-hint');
    box.toggleAttribute('data-scrolls', scrolls);
    if (!box.classList.contains('table-wrap')) return;
    if (scrolls && !has) {
      hint = document.createElement('p');
      hint.className = 'scroll-hint';
      hint.textContent = 'This table is wider than the page: scroll it sideways for every column.';
      box.parentNode.insertBefore(hint, box);
    } else if (!scrolls && has) {
      hint.remove();
    }
  }

  function start() {
    var boxes = document.querySelectorAll('.table-wrap, pre.code');
    if (!boxes.length) return;
    var all = function () { boxes.forEach(check); };
    if ('ResizeObserver' in window) {
      var seen = new ResizeObserver(function (entries) {
        entries.forEach(function (e) { check(e.target); });
      });
      boxes.forEach(function (b) { seen.observe(b); });
    } else {
      window.addEventListener('resize', all);
    }
    all();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();

// Site search: the header's box shows the best matches as you type, and
// the search page (search/?q=...) lists them, ten at a time. Both read the
// index the build wrote to search-index/ (src/search.rs describes its
// files): the dictionary entries of the query's words, which hold each
// word's best documents; further down a common word's documents, or the
// word counts of a few documents, only as far as it takes to be sure of
// the best results; and the texts of the results shown. Without this
// script the header's form still leads to the search page.
(function () {
  'use strict';

  // With [search] enabled = false there is no index to read: the header's
  // form filters the catalog instead.
  var script = document.currentScript;
  if (script.dataset.search === 'off') return;
  // The site's base URL: this script sits at its root.
  var base = new URL('./', script.src).href;
  var dir = base + 'search-index/';
  var WORD = /[\p{Alphabetic}\p{N}]+/gu;
  // How many postings past the dictionary's a query reads at most (about
  // a byte each, gzipped) before it settles for the results it is sure of.
  var MAX_POSTINGS = 32768;
  // Count files (8 documents each) fetched in one go, and in all by one
  // query, to learn the scores of the documents that might be among the best.
  var COUNT_FILES_AT_ONCE = 4;
  var MAX_COUNT_FILES = 16;
  // A prefix reads at most this many dictionary files; one more letter
  // narrows it.
  var MAX_WORD_FILES = 8;
  var meta = null;
  var files = {};

  // The numbers of a coded list (search.rs, `push_coded`): each number is
  // its leading digits, '#' to '?' in base 29, then one last digit, '@' to
  // '~' without the backslash, in base 62.
  function decoded(text) {
    var out = [];
    var value = 0;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c < 64) {
        value = value * 29 + c - 35;
      } else {
        out.push(value * 62 + c - (c > 92 ? 65 : 64));
        value = 0;
      }
    }
    return out;
  }

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
      meta = getJson(dir + 'meta.json');
      meta.catch(function () {
        meta = null;
      });
    }
    return meta;
  }

  function wordsOf(text) {
    return text.toLowerCase().match(WORD) || [];
  }

  var has = Object.prototype.hasOwnProperty;

  // The dictionary file `word` belongs in: the last whose first word is
  // not after it (-1 when it comes before them all).
  function wordFileOf(m, word) {
    var lo = -1;
    var hi = m.word_files.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (m.word_files[mid] <= word) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  // The dictionary files that hold the word of `term`, or with a prefix
  // term every word it starts.
  function wordFilesOf(m, term) {
    var first = wordFileOf(m, term.word);
    if (!term.prefix) return first < 0 ? [] : [first];
    var list = [];
    for (var i = Math.max(first, 0); i < m.word_files.length && list.length < MAX_WORD_FILES; i++) {
      if (i > first && m.word_files[i].indexOf(term.word) !== 0) break;
      list.push(i);
    }
    return list;
  }

  // One word of the dictionary that a term of the query matches, and what
  // the query has learnt of its documents so far.
  function Expansion(m, word, entry, whole) {
    this.word = word;
    this.df = entry.df;
    // A document's score for this word is unit × weight. A whole word
    // counts more than a word it only starts.
    this.unit = (Math.log(1 + (m.docs - entry.df + 0.5) / (entry.df + 0.5)) * (whole ? 1 : 0.8)) / 100;
    this.id = entry.id;
    this.more = entry.more || [];
    this.next = 0; // the next of `more` to read
    this.known = new Map(); // document -> weight
    this.depth = 0; // postings read
    this.theta = 0; // no document not yet read weighs more than this
    this.add(decoded(entry.top));
  }

  // Reads postings: groups `weight, count, doc...`, best first.
  Expansion.prototype.add = function (groups) {
    for (var i = 0; i < groups.length; ) {
      var weight = groups[i];
      var count = groups[i + 1];
      var doc = 0;
      i += 2;
      for (var j = 0; j < count; j++) {
        doc += groups[i++];
        this.known.set(doc, weight);
      }
      this.theta = weight;
      this.depth += count;
    }
    if (this.next >= this.more.length) this.theta = 0;
  };

  Expansion.prototype.complete = function () {
    return this.next >= this.more.length;
  };

  // A term of the query: its word, whether it is a prefix, the words it
  // matches, the best score of each document in those whose documents are
  // all known (`fixed`), and those still being read (`open`).
  function Term(word, prefix) {
    this.word = word;
    this.prefix = prefix;
    this.exps = [];
    this.fixed = new Map();
    this.open = [];
  }

  // Moves the expansions read to their end into `fixed`.
  Term.prototype.settle = function () {
    var fixed = this.fixed;
    this.open = this.exps.filter(function (e) {
      if (!e.complete()) return true;
      if (!e.settled) {
        e.settled = true;
        e.known.forEach(function (weight, doc) {
          var s = e.unit * weight;
          if (!(fixed.get(doc) >= s)) fixed.set(doc, s);
        });
      }
      return false;
    });
  };

  // The share of documents that hold the term, supposing its words
  // independent.
  Term.prototype.share = function (docs) {
    var miss = 1;
    this.exps.forEach(function (e) {
      miss *= 1 - e.df / docs;
    });
    return 1 - miss;
  };

  // The least and the most a document can score for a term, given what is
  // known: set in LO and HI (equal when the score is known).
  var LO = 0;
  var HI = 0;
  function bounds(t, doc, weights) {
    var lo = t.fixed.get(doc) || 0;
    var hi = lo;
    for (var i = 0; i < t.open.length; i++) {
      var e = t.open[i];
      var w = e.known.get(doc);
      if (w === undefined && weights) w = weights.get(e.id) || 0;
      var s = e.unit * (w === undefined ? e.theta : w);
      if (s > hi) hi = s;
      if (w !== undefined && s > lo) lo = s;
    }
    LO = lo;
    HI = hi;
  }

  // How a query finds its best documents without reading every list: a
  // word's documents come best first, so one not yet read weighs at most
  // the last weight read (theta). Each document met is then either known
  // (its score is sure) or bounded above, and so is every document not yet
  // met. The query stops once k documents are known to score at least as
  // much as any other could: the same k as scoring every document would
  // give, ties aside. Until then it either learns the counts of the few
  // documents that could still beat the k-th (a count file holds 8), or
  // reads the next block of the list that leaves the best of them unsure
  // (of the lists that bound the documents not met, when those could score
  // more). MAX_POSTINGS and MAX_COUNT_FILES bound what it reads; past them
  // it shows the best of the documents it is sure of.
  //
  // A query being answered: its terms and the word weights learnt of some
  // documents (document -> Map(word id -> weight)).
  function Query(m, terms) {
    this.m = m;
    this.terms = terms;
    this.weights = new Map();
    this.countFiles = 0;
    this.read = 0;
  }

  // What is known now: the documents whose score is known (best first),
  // those that might hold every term (with the most they can score), and
  // the most a document not yet met in any list can score (-Infinity when
  // every result is among those met).
  Query.prototype.rank = function () {
    var terms = this.terms;
    var base = null;
    terms.forEach(function (t) {
      if (!t.open.length && (!base || t.fixed.size < base.fixed.size)) base = t;
    });
    var candidates;
    var unseen = -Infinity;
    if (base) {
      candidates = base.fixed.keys();
    } else {
      var met = new Set();
      unseen = 0;
      terms.forEach(function (t) {
        var most = 0;
        t.fixed.forEach(function (_, doc) {
          met.add(doc);
        });
        t.open.forEach(function (e) {
          e.known.forEach(function (_, doc) {
            met.add(doc);
          });
          most = Math.max(most, e.unit * e.theta);
        });
        unseen += most;
      });
      candidates = met.values();
    }
    var exact = [];
    var partial = [];
    for (var step = candidates.next(); !step.done; step = candidates.next()) {
      var doc = step.value;
      var weights = this.weights.get(doc);
      var lo = 0;
      var hi = 0;
      var sure = true;
      for (var i = 0; i < terms.length; i++) {
        bounds(terms[i], doc, weights);
        if (HI === 0) break;
        lo += LO;
        hi += HI;
        if (HI > LO) sure = false;
      }
      if (i < terms.length) continue; // a term it cannot hold
      if (sure) exact.push({ doc: doc, score: lo });
      else partial.push({ doc: doc, score: hi });
    }
    var order = function (a, b) {
      return b.score - a.score || a.doc - b.doc;
    };
    exact.sort(order);
    partial.sort(order);
    return { exact: exact, partial: partial, unseen: unseen };
  };

  // Fetches count files `numbers`, and learns from them the weight of
  // every common word in each of their documents (as the build computes
  // it: the same sums in the same order give the same numbers).
  Query.prototype.learnWeights = function (numbers) {
    var self = this;
    var per = this.m.docs_per_file;
    var bm25 = this.m.bm25;
    var k1 = bm25.k1;
    var b = bm25.b;
    var average = Math.max(bm25.average_length, 1);
    this.countFiles += numbers.length;
    return Promise.all(
      numbers.map(function (n) {
        return getJson(dir + 'counts/' + n + '.json').then(function (f) {
          var lengths = decoded(f.lengths);
          f.counts.forEach(function (coded, i) {
            var pairs = decoded(coded);
            var norm = k1 * (1 - b + (b * lengths[i]) / average);
            var vector = new Map();
            for (var j = 0, id = 0; j < pairs.length; j += 2) {
              id += pairs[j];
              var tf = pairs[j + 1];
              vector.set(id, Math.min(255, Math.max(1, Math.round(((tf * (k1 + 1)) / (tf + norm)) * 100))));
            }
            self.weights.set(n * per + i, vector);
          });
        });
      })
    );
  };

  // Reads the next block of each of `exps`.
  Query.prototype.readOn = function (exps) {
    var self = this;
    return Promise.all(
      exps.map(function (e) {
        var n = e.more[e.next];
        return getJson(dir + 'postings/' + n + '.json').then(function (f) {
          if (f.word !== e.word) throw new Error('postings/' + n + '.json holds “' + f.word + '”, not “' + e.word + '”');
          var before = e.depth;
          e.next += 1;
          e.add(decoded(f.postings));
          self.read += e.depth - before;
        });
      })
    ).then(function () {
      self.terms.forEach(function (t) {
        t.settle();
      });
    });
  };

  // The count files of the documents of `partial` that may score more than
  // `floor`, best first, while there are at most `limit` of them (null
  // when there are more).
  function filesAbove(partial, floor, per, limit) {
    var numbers = [];
    for (var i = 0; i < partial.length && partial[i].score > floor; i++) {
      var n = Math.floor(partial[i].doc / per);
      if (numbers.indexOf(n) < 0) {
        if (numbers.length === limit) return null;
        numbers.push(n);
      }
    }
    return numbers;
  }

  // The `k` best documents, as sure as the limits above allow: resolves to
  // { docs: [ids], total, totalKnown, more } where `total` is how many
  // documents hold every term (an estimate unless `totalKnown`) and `more`
  // whether there may be results after these.
  Query.prototype.top = function (k) {
    var self = this;
    var per = this.m.docs_per_file;
    var budget = this.read + MAX_POSTINGS;
    var step = function () {
      var r = self.rank();
      var kth = r.exact.length >= k ? r.exact[k - 1].score : -Infinity;
      var best = r.partial.length ? r.partial[0].score : -Infinity;
      var bound = Math.max(best, r.unseen);
      if (bound === -Infinity || bound <= kth) return self.answer(r, k);
      var left = MAX_COUNT_FILES - self.countFiles;
      if (best >= r.unseen && left > 0) {
        // Few documents could still beat the k-th: learn their weights.
        var few = filesAbove(r.partial, kth, per, Math.min(COUNT_FILES_AT_ONCE, left));
        if (few && few.length) return self.learnWeights(few).then(step);
      }
      var next = self.nextBlocks(r, best >= r.unseen ? r.partial[0].doc : null);
      if (next.length && self.read < budget) return self.readOn(next).then(step);
      // Read enough: learn the weights of the best unsure documents, if
      // allowed, then settle for the documents whose score is known.
      if (r.partial.length && left > 0) {
        var numbers = filesAbove(r.partial, -Infinity, per, Math.min(COUNT_FILES_AT_ONCE, left));
        return self.learnWeights(numbers || [Math.floor(r.partial[0].doc / per)]).then(step);
      }
      return self.answer(r, k);
    };
    return Promise.resolve().then(step);
  };

  // The expansions to read further: for an unsure document, the least
  // read of those it is not known in; otherwise, of each term's expansion
  // that most bounds the score of documents not yet met, the least read.
  Query.prototype.nextBlocks = function (r, doc) {
    var choice = [];
    if (doc !== null) {
      var weights = this.weights.get(doc);
      this.terms.forEach(function (t) {
        bounds(t, doc, weights);
        if (HI > LO) {
          t.open.forEach(function (e) {
            if (!e.known.has(doc)) choice.push(e);
          });
        }
      });
    } else {
      this.terms.forEach(function (t) {
        var top = null;
        t.open.forEach(function (e) {
          if (!top || e.unit * e.theta > top.unit * top.theta) top = e;
        });
        if (top) choice.push(top);
      });
    }
    if (!choice.length) return [];
    var least = Math.min.apply(
      null,
      choice.map(function (e) {
        return e.depth;
      })
    );
    choice = choice.filter(function (e) {
      return e.depth === least;
    });
    return doc !== null ? choice.slice(0, 1) : choice;
  };

  Query.prototype.answer = function (r, k) {
    var docs = r.exact.slice(0, k).map(function (e) {
      return e.doc;
    });
    var all = !r.partial.length && r.unseen === -Infinity;
    var total = r.exact.length;
    var known = all;
    var n = this.m.docs;
    if (!all) {
      if (this.terms.length === 1 && this.terms[0].exps.length === 1) {
        total = this.terms[0].exps[0].df;
        known = true;
      } else if (r.unseen === -Infinity) {
        // Candidates from a word whose documents are all known.
        var share = 1;
        this.terms.forEach(function (t) {
          if (t.open.length) share *= t.share(n);
        });
        total = Math.round(r.exact.length + r.partial.length * share);
      } else {
        var estimate = n;
        this.terms.forEach(function (t) {
          estimate *= t.share(n);
        });
        total = Math.max(r.exact.length, Math.round(estimate));
      }
    }
    return { docs: docs, total: total, totalKnown: known, more: r.exact.length > k || !all };
  };

  // The query `text` (its last word may be the start of a word, as it is
  // while the reader types), ready to rank: resolves to a Query.
  function search(text) {
    var words = wordsOf(text);
    var terms = words.map(function (w, i) {
      var last = i === words.length - 1 && !/\s$/.test(text);
      return new Term(w, last && Array.from(w).length >= 2);
    });
    return load().then(function (m) {
      return Promise.all(
        terms.map(function (t) {
          return Promise.all(
            wordFilesOf(m, t).map(function (n) {
              return getJson(dir + 'words/' + n + '.json');
            })
          ).then(function (dicts) {
            dicts.forEach(function (dict) {
              if (!t.prefix) {
                if (has.call(dict, t.word)) t.exps.push(new Expansion(m, t.word, dict[t.word], true));
                return;
              }
              Object.keys(dict).forEach(function (word) {
                if (word.indexOf(t.word) === 0) t.exps.push(new Expansion(m, word, dict[word], word === t.word));
              });
            });
            t.settle();
          });
        })
      ).then(function () {
        return new Query(m, terms);
      });
    });
  }

  // Resolves to the `k` best results of `text`, as Query.top does, with
  // the query's terms.
  function find(text, k) {
    return search(text).then(function (q) {
      if (!q.terms.length || q.terms.some(function (t) {
        return !t.exps.length;
      })) {
        return { docs: [], total: 0, totalKnown: true, more: false, query: q };
      }
      return q.top(k).then(function (found) {
        found.query = q;
        return found;
      });
    });
  }

  // A document: { url, title, kind, text }; the models come first.
  function documentOf(m, doc) {
    var n = Math.floor(doc / m.docs_per_file);
    return getJson(dir + 'docs/' + n + '.json').then(function (f) {
      var i = doc - n * m.docs_per_file;
      return { url: base + f.url[i], title: f.title[i], kind: doc < m.models ? 'model' : 'page', text: f.text[i] };
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
    else p.appendChild(document.createTextNode(text.slice(at)));
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

  // Adds the results `docs` to `list`.
  function show(docs, terms, list) {
    return load()
      .then(function (m) {
        return Promise.all(
          docs.map(function (doc) {
            return documentOf(m, doc);
          })
        );
      })
      .then(function (found) {
        found.forEach(function (d) {
          list.appendChild(resultItem(d, terms));
        });
      });
  }

  // A count as a reader reads it: 12,345.
  function plural(n, word) {
    return n.toLocaleString('en') + ' ' + word + (n === 1 ? '' : 's');
  }

  // "12 results", or "About 9,900 results" when the count is an estimate.
  function counted(found) {
    if (found.totalKnown) return plural(found.total, 'result');
    var n = found.total;
    if (n >= 100) {
      var unit = Math.pow(10, Math.floor(Math.log10(n)) - 1);
      n = Math.round(n / unit) * unit;
    }
    return 'About ' + plural(n, 'result');
  }

  // --- the header's box ---------------------------------------------------

  // The results panel is made here: a page without this script has no use
  // for it.
  var input = document.getElementById('site-search-q');
  var panel = null;
  if (input && input.form) {
    panel = el('div', 'search-panel');
    panel.id = 'site-search-results';
    panel.hidden = true;
    input.form.appendChild(panel);
    input.setAttribute('aria-controls', panel.id);
  }
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
      find(input.value, 6)
        .then(function (found) {
          if (mine !== serial) return;
          var list = el('ol', 'search-results search-results-compact');
          return show(found.docs, found.query.terms, list).then(function () {
            if (mine !== serial) return;
            panel.textContent = '';
            var status = el('p', 'search-status');
            status.textContent = found.docs.length ? counted(found) + ' for “' + query + '”' : 'Nothing found for “' + query + '”';
            panel.appendChild(status);
            panel.appendChild(list);
            if (found.more && found.total > found.docs.length) {
              var all = el('a', 'search-all');
              all.href = base + 'search/?q=' + encodeURIComponent(query);
              all.textContent = found.totalKnown ? 'All ' + plural(found.total, 'result') : 'All results';
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
      find(query.trim(), 10)
        .then(function (found) {
          var q = found.query;
          var shown = 0;
          var showFrom = function (f) {
            var fresh = f.docs.slice(shown);
            shown = f.docs.length;
            more.hidden = !f.more || !fresh.length || (f.totalKnown && shown >= f.total);
            return show(fresh, q.terms, list);
          };
          status.textContent = found.docs.length
            ? counted(found) + ' for “' + query + '”'
            : 'Nothing found for “' + query + '”. Try another word, or browse the catalog.';
          more.addEventListener('click', function () {
            more.disabled = true;
            q.top(shown + 10)
              .then(showFrom)
              .catch(function (e) {
                console.warn('search failed', e);
              })
              .then(function () {
                more.disabled = false;
              });
          });
          return showFrom(found);
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
