#!/usr/bin/env python3
"""Generates the Jinja2 conformance corpus for etl-transform from Python's jinja2 (the oracle).

Run from the module directory:  python3 src/test/python/gen_corpus.py
Writes src/test/resources/conformance/corpus.json: a list of cases
  {"id", "template", "record", "expected"}  or  {"id", "template", "record", "error": "<Python exception>"}

Typed-result rule (the engine's contract, mirrored here):
  * a template that is one {{ expression }} (whitespace around it allowed) yields the expression's
    value itself (Python's compile_expression);
  * any other template is rendered to text, and the text is read back as a literal when the whole of
    it is one (number, True/False/None, true/false/null, list/dict/tuple in Python or JSON syntax).
The oracle environment is jinja2's ImmutableSandboxedEnvironment (no mutating methods, no '_' attributes).

Value encoding in JSON: Decimal -> {"$decimal": "10.00"}; non-finite float -> {"$float": "nan"};
tuples -> lists; Undefined -> null.
"""
import ast
import json
import math
import os
import re
import sys
from decimal import Decimal

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

ENV = ImmutableSandboxedEnvironment(undefined=jinja2.Undefined)
NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]*)?([eE][-+]?[0-9]+)?|-?\.[0-9]+([eE][-+]?[0-9]+)?")

R1 = {
    "email": "john.doe@example.com", "phone": "555-123-4567", "price": 10.5, "tax": 1.5, "qty": 3,
    "status": "active", "name": "  Alice Smith ", "amount": Decimal("10.00"), "rate": Decimal("0.075"),
    "tags": ["a", "b", "c"], "items": [{"sku": "x1", "qty": 2, "price": 3.5}, {"sku": "y2", "qty": 1, "price": 10.0}],
    "meta": {"source": "pg", "n": 7}, "flag": True, "nothing": None, "zero": 0, "neg": -7, "big": 12345678901234567890,
    "ratio": 0.1, "code": "ab-CD_12", "blank": "", "city": "new york", "score": 87.456, "count": 12, "id": 42,
    "created": "2024-03-15T10:30:00Z", "nums": [3, 1, 2], "words": "the quick  brown fox", "csv": "a,b,,c",
}
R2 = {
    "email": "a@b.org", "phone": "1234", "price": 0, "tax": 0.0, "qty": 0, "status": "inactive", "name": "bob",
    "amount": Decimal("-3.50"), "rate": Decimal("1"), "tags": [], "items": [], "meta": {}, "flag": False,
    "nothing": None, "zero": 0, "neg": 5, "big": -9, "ratio": 2.5, "code": "", "blank": "x", "city": "PARIS",
    "score": -0.5, "count": 1, "id": 7, "created": "2023-12-31", "nums": [10], "words": "one", "csv": "solo",
}
RECORDS = [R1, R2]

# Expressions evaluated as single-node templates on every record.
EXPRESSIONS = [
    # spec examples and arithmetic
    "price + tax", "price - tax", "price * qty", "price / 2", "qty / 2", "qty // 2", "qty % 2", "neg % 3", "neg // 3",
    "-7 % 3", "7 % -3", "-7 // 2", "7.5 // 2", "-7.5 % 2", "2 ** 10", "2 ** -1", "2.0 ** 3", "qty ** 2", "10 / 4",
    "1 / 3", "0.1 + 0.2", "1e16", "1e-5", "123456789.0 * 1000000000", "1.5e300 * 1e8", "3 * 1.0", "big + 1",
    "big * big", "-big", "-(price)", "price * 100 // 1", "count / 3 * 3", "qty - 10", "neg * -1", "2 * 3 + 4",
    "2 + 3 * 4", "(2 + 3) * 4", "10 - 2 - 3", "100 / 10 / 5", "2 ** 3 ** 2", "7 // 2 * 2", "1+2", "price+tax",
    "amount + 1", "amount * 2", "amount - amount", "amount / 4", "amount * count", "amount // 3", "amount % 3",
    "rate * 100", "amount == 10", "amount == -3.5", "amount > 5", "amount < qty", "rate + amount", "-amount",
    "qty / 0", "price / 0", "qty // 0", "qty % 0", "amount / 0",
    "'a' + 1", "'a' * 3", "3 * 'ab'", "tags * 2", "tags + ['z']", "[1, 2] + [3]", "'x' - 1", "none + 1",
    "flag + 1", "true + true", "true * 3",
    # comparisons and logic
    "status == 'active'", "status != 'active'", "qty > 2", "qty >= 3", "qty < 3", "price <= 10.5", "qty == 3.0",
    "1 == 1.0", "'1' == 1", "none == none", "nothing == none", "nothing is none", "nothing is not none",
    "zero == false", "flag == 1", "tags == ['a', 'b', 'c']", "meta == {'source': 'pg', 'n': 7}", "'abc' < 'abd'",
    "'B' < 'a'", "[1, 2] < [1, 3]", "'a' < 1", "none < 1", "qty > 1 and status == 'active'", "qty > 1 or flag",
    "not flag", "not blank", "not tags", "blank or 'default'", "code or 'none'", "nothing or 0", "qty and price",
    "zero and price", "tags and tags[0]", "'a' if flag else 'b'", "qty if qty > 1 else -1", "1 if nothing else 2",
    "'b' in tags", "'z' in tags", "'z' not in tags", "'example' in email", "'source' in meta", "1 in [1, 2]",
    "'a' in 'abc'", "1 in 'abc'", "'x' in nothing",
    # strings and methods
    "email.split('@')[0][:3]", "email.split('@')[1]", "email.split('@')", "email.split('.')", "words.split()",
    "words.split(' ')", "csv.split(',')", "csv.split(',', 1)", "email.rsplit('.', 1)", "email.upper()",
    "email.lower()", "name.strip()", "name.lstrip()", "name.rstrip()", "code.strip('a2')", "email.startswith('john')",
    "email.endswith('.com')", "email.startswith(('x', 'jo'))", "email.replace('.', '_')", "email.replace('o', '0', 1)",
    "email.find('@')", "email.find('zz')", "email.count('o')", "email.index('@')", "email.index('zz')",
    "'-'.join(tags)", "', '.join(['x', 'y'])", "city.title()", "city.capitalize()", "'3'.zfill(4)", "'-3'.zfill(4)",
    "code.isdigit()", "'123'.isdigit()", "'abc'.isalpha()", "city.isupper()", "city.islower()", "'ab'.ljust(5, '*')",
    "'ab'.rjust(5)", "'ab'.center(7, '-')", "email.partition('@')", "code.swapcase()", "'a\\nb'.splitlines()",
    "'{} is {}'.format(name, qty)", "'{:.2f}'.format(price)", "'{0}-{0}'.format(id)", "'{:>6}'.format(code)",
    "'{:,}'.format(1234567)", "'{:05d}'.format(qty)", "'{x}!'.format(x=status)", "email.removeprefix('john.')",
    "phone[-4:]", "phone[:3]", "phone[4:7]", "phone[-8:-5]", "email[0]", "email[-1]", "email[100]", "email[2:1]",
    "tags[1:]", "tags[-1]", "tags[5]", "tags[:-1]", "nums[0] + nums[-1]", "'abc'[1:]", "nothing[1:]",
    "email.nosuchmethod()", "email.__class__", "tags.append('x')", "meta.update({'a': 1})",
    "meta.source", "meta['source']", "meta.missing", "meta['missing']", "meta.get('n')", "meta.get('zz', 5)",
    "meta.keys()|list", "meta.values()|list", "meta.items()|list", "items[0].sku", "items[1]['price']",
    "items[0].qty * items[0].price", "items[5].sku", "nothing.foo", "undefined_var", "undefined_var.foo",
    "undefined_var is defined", "email is defined", "email is string", "qty is number", "qty is integer",
    "price is float", "tags is sequence", "meta is mapping", "qty is even", "qty is odd", "count is divisibleby 4",
    "qty is divisibleby 0", "flag is true", "flag is boolean", "nothing is none", "qty is gt 2", "status is lower",
    "'active' is in ['active', 'x']",
    # filters
    "email|upper", "email|lower", "city|title", "'hello world-foo'|title", "city|capitalize", "name|trim",
    "code|trim('a2')", "name|length", "tags|length", "meta|length", "tags|count", "tags|join(', ')", "tags|join",
    "nums|join('-')", "items|join(', ', attribute='sku')", "nums|sum", "items|sum(attribute='qty')", "nums|max",
    "nums|min", "nums|sort", "nums|sort(reverse=true)", "tags|first", "tags|last", "tags|reverse|list",
    "email|reverse", "nums|unique|list", "tags|list", "email|list", "missing|default('n/a')", "blank|default('n/a')",
    "blank|default('n/a', true)", "nothing|default('n/a')", "nothing|default('n/a', true)", "missing|d(0)",
    "price|round", "price|round(1)", "score|round(1)", "score|round(2, 'floor')", "score|round(1, 'ceil')",
    "2.5|round", "3.5|round", "2.675|round(2)", "qty|round", "amount|round(1)", "rate|round(2)", "1234|round(-2)",
    "price|int", "'42'|int", "'4.7'|int", "'abc'|int", "'abc'|int(7)", "amount|int", "nothing|int", "'0x1A'|int(0, 16)",
    "qty|float", "'3.5'|float", "'x'|float", "amount|float", "flag|int", "neg|abs", "score|abs", "amount|abs",
    "meta|tojson", "tags|tojson", "items|tojson", "email|tojson", "nothing|tojson", "flag|tojson", "price|tojson",
    "{'b': 1, 'a': [1, 2.5, none, true]}|tojson", "'<a href=\"x\">'|tojson", "meta|tojson(indent=2)",
    "email|replace('@', ' at ')", "email|replace('o', '0', 1)", "qty|string", "price|string", "nothing|string",
    "'%s-%s'|format(status, qty)", "'%.2f'|format(price)", "'%05d'|format(qty)", "'%d items'|format(count)",
    "'%5.1f|%-4s|'|format(score, code)", "'%x'|format(255)", "'%e'|format(12345.678)", "'%g'|format(0.0001234)",
    "'%s'|format(nothing)", "'%d'|format('x')", "items|map(attribute='sku')|list", "nums|map('string')|list",
    "tags|map('upper')|list", "nums|select('odd')|list", "nums|reject('odd')|list", "nums|select('gt', 1)|list",
    "items|selectattr('qty', 'gt', 1)|map(attribute='sku')|list", "items|rejectattr('qty', 'gt', 1)|list|length",
    "items|sort(attribute='price', reverse=true)|map(attribute='sku')|join(',')", "meta|dictsort",
    "words|wordcount", "'Hello World Foo'|truncate(9)", "'Hello World Foo'|truncate(9, true)", "email|truncate(255)",
    "'<b>x</b> &'|escape", "'<b>x</b>  y'|striptags", "'a b&c'|urlencode", "email|center(30)",
    "tags|join(',')|upper", "email.split('@')[0]|replace('.', ' ')|title", "(price + tax)|round(1)",
    "price|nosuchfilter",
    # literals and globals
    "[1, 2, 3]", "(1, 2)", "{'a': 1, 'b': [1, 2]}", "{'k': email}", "[qty, price, status]", "'it\\'s'", "\"dq\"",
    "none", "None", "true", "True", "false", "range(5)|list", "range(1, 10, 3)|list", "range(3)|sum",
    "dict(a=1, b='x')", "[]", "{}", "''", "0", "-0", "0.0", "-0.0", "1_000" if False else "1000",
]

# Whole templates (text + several outputs + tags), evaluated on every record.
TEMPLATES = [
    "{{ email.split(\"@\")[0][:3] }}***@{{ email.split(\"@\")[1] }}",
    "{\n  \"email\": \"***@{{ email.split('@')[1] }}\",\n  \"phone\": \"***-***-{{ phone[-4:] }}\"\n}\n",
    "{{ price + tax }}",
    "{{ status == 'active' }}",
    "{{ price }}{{ tax }}",
    "{{ qty }} items",
    "Total: {{ price * qty }}",
    "{{ nothing }}|{{ flag }}|{{ missing }}|{{ amount }}|{{ ratio }}|{{ 1e20 }}|{{ tags }}|{{ meta }}",
    "{{ items }}",
    "{{ (1, 'a') }} {{ ('x', 2.5, none) }}",
    "{{ 'quote\\'s' }} {{ [\"it's\", 'a\"b'] }}",
    "[{{ qty }}, {{ price }}]",
    "{\"n\": {{ qty }}, \"ok\": {{ flag|tojson }}}",
    "{'n': {{ qty }}, 'ok': {{ flag }}}",
    "{{ flag }}",
    " {{ qty }} ",
    "{{ qty }}\n",
    "{% if qty > 1 %}many{% elif qty == 1 %}one{% else %}none{% endif %}",
    "{% if status == 'active' %}{{ email|upper }}{% endif %}",
    "{% for t in tags %}{{ t }}{% if not loop.last %},{% endif %}{% endfor %}",
    "{% for t in tags %}{{ loop.index }}/{{ loop.length }}{{ ' ' if not loop.last }}{% else %}empty{% endfor %}",
    "{% for k, v in meta.items() %}{{ k }}={{ v }};{% endfor %}",
    "{% for i in items %}{{ i.sku }}:{{ i.qty * i.price }} {% endfor %}",
    "{% set total = price + tax %}{{ total * 2 }}",
    "{% set a, b = email.split('@') %}{{ b }}/{{ a }}",
    "{% set n = 0 %}{% for t in tags %}{% set n = n + 1 %}{% endfor %}{{ n }}",
    "  {%- if flag -%}  yes  {%- else -%} no {%- endif -%}  ",
    "a\n{{- qty -}}\nb",
    "{{ -7 }}",
    "{{ qty }}{# a comment #}",
    "{% if nothing is none %}null{% endif %}",
    "{{ '%.1f%%'|format(ratio * 100) }}",
    "{{ email.split('@')[0] ~ '-' ~ qty }}",
    "{{ 'a' ~ none ~ 1.0 ~ true }}",
    "{% for n in nums|sort %}{{ n }}{% endfor %}",
    "{% for x in range(3) %}{% for y in range(2) %}{{ x }}{{ y }} {% endfor %}{% endfor %}",
    "{{ name|trim|lower|replace(' ', '_') }}",
    "{% if email.endswith('.com') and qty >= 3 %}{{ 'vip' }}{% else %}{{ 'std' }}{% endif %}",
    "{{ undefined_var }}x",
    "{{ undefined_var.attr }}",
    "{{ qty / zero }}",
    "{{ 1 }}{{ 2 }}",
    "{{ '0' }}{{ '7' }}",
    "{{ '[1, 2' }}",
    "{{ '{\"a\": 1}' }}",
    "{{ tags|tojson }}",
    "{{ {'x': none}|tojson }}",
    "{{ 'a\tb\u00e9' }}",
    "{{ amount * 2 }} {{ amount / 3 }}",
    "{{ 1 / 3 * 3 }} {{ 2 / 3 }} {{ 10 / 3 }} {{ 1e15 + 0.3 }} {{ 1.0e16 }} {{ 12345.6789e-10 }}",
    "{{ score * 3 }} {{ price * 1.1 }} {{ 0.1 * 3 }} {{ 100.0 }} {{ 1e100 }} {{ 5e-324 }}",
    "{{ big }} {{ big * 10 }} {{ 2 ** 64 }} {{ -2 ** 63 }}",
]


def encode(v):
    if isinstance(v, jinja2.Undefined):
        return None
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return str(v) if isinstance(v, str) else v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return {"$float": repr(v)}
        return v
    if isinstance(v, Decimal):
        return {"$decimal": str(v)}
    if isinstance(v, (list, tuple)):
        return [encode(x) for x in v]
    if isinstance(v, dict):
        return {str(k): encode(x) for k, x in v.items()}
    raise TypeError("cannot encode %r" % type(v))


def typed(text):
    t = text.strip()
    if not t:
        return text
    if t[0] in "[{(":
        try:
            v = ast.literal_eval(t)
            if isinstance(v, (list, dict, tuple, int, float, str, bool)) or v is None:
                encode(v)
                return v
        except Exception:
            pass
        try:
            return json.loads(t)
        except Exception:
            return text
    if t in ("True", "true"):
        return True
    if t in ("False", "false"):
        return False
    if t in ("None", "null"):
        return None
    if NUMBER.fullmatch(t):
        return int(t) if re.fullmatch(r"-?[0-9]+", t) else float(t)
    return text


SINGLE = re.compile(r"^\s*\{\{-?(.*?)-?\}\}\s*$", re.S)


def evaluate(template, record):
    src = template[:-1] if template.endswith("\n") else template
    m = SINGLE.match(src)
    if m and src.count("{{") == 1 and "{%" not in src and "{#" not in src:
        return ENV.compile_expression(m.group(1).strip(), undefined_to_none=False)(**record)
    return typed(ENV.from_string(template).render(**record))


def main():
    out = []
    cases = [("{{ %s }}" % e) for e in EXPRESSIONS] + TEMPLATES
    for i, template in enumerate(cases):
        for r, record in enumerate(RECORDS):
            case = {"id": "c%03d-r%d" % (i, r + 1), "template": template, "record": "r%d" % (r + 1)}
            try:
                case["expected"] = encode(evaluate(template, dict(record)))
            except Exception as e:  # the engine must fail too
                case["error"] = type(e).__name__
            out.append(case)
    doc = {
        "generator": "src/test/python/gen_corpus.py",
        "jinja2_version": jinja2.__version__,
        "python_version": sys.version.split()[0],
        "records": {"r1": encode(R1), "r2": encode(R2)},
        "cases": out,
    }
    here = os.path.dirname(os.path.abspath(__file__))
    target = os.path.join(here, "..", "resources", "conformance", "corpus.json")
    with open(target, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote %d cases to %s" % (len(out), os.path.normpath(target)))


if __name__ == "__main__":
    main()
