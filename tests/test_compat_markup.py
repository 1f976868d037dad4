"""kramdown, Hugo shortcodes, `:::` containers and TOC markers written as portable
Markdown."""

from pathlib import Path

from tests.compat_articles import FRONT, col_of, convert, line_of

KRAMDOWN = """\
* 目录
{:toc}

## 安装 {#install}

![架构](arch.png){: width="480" .shadow}

![截图](shot.png)
{: height="200"}

一段话。
{: .lead #intro}

{::options parse_block_html="true" /}
{::comment}
不显示
{:/comment}
{::nomarkdown}
<span>原样</span>
{:/nomarkdown}

`{:toc}` 在代码里。
"""


def test_kramdown_toc_and_attribute_lists(tmp_path: Path) -> None:
    article = convert(tmp_path, "kramdown.md", KRAMDOWN)
    assert article.body == (
        "[TOC]\n\n"
        "## 安装\n\n"
        '<img src="arch.png" alt="架构" width="480">\n\n'
        '<img src="shot.png" alt="截图" height="200">\n\n'
        "一段话。\n\n"
        "<span>原样</span>\n\n"
        "`{:toc}` 在代码里。\n"
    )
    assert article.warnings == []
    assert {"kramdown-toc", "kramdown-ial", "kramdown-extension"} <= set(article.outcome.repairs)
    html = article.html()
    assert (
        '<img loading="eager" fetchpriority="high" decoding="async" '
        'src="arch.png" alt="架构" width="480">'
    ) in html
    assert "<code>{:toc}</code>" in html
    assert article.fix_twice() == FRONT + article.body


HUGO = """\
{{< figure src="arch.png" alt="架构" caption="图 1：架构" >}}
{{< figure src="plain.png" alt="无题" >}}

见 [另一篇]({{< ref "guide/index.md#安装" >}}) 和 [缺失]({{< relref "nowhere" >}})。

{{< highlight go "linenos=table" >}}
fmt.Println("{{< figure >}}")
{{< /highlight >}}

{{% notice warning "小心" %}}
先 **备份**。
{{% /notice %}}

{{< callout type="info" >}}
Hextra 提示
{{< /callout >}}

{{% alert title="注意" color="danger" %}}
Docsy 警告
{{% /alert %}}

{{< details summary="展开" >}}
细节
{{< /details >}}

{{< tabs items="macOS,Linux" >}}
{{< tab >}}brew install x{{< /tab >}}
{{< tab >}}apt install x{{< /tab >}}
{{< /tabs >}}

{{< cards >}}
{{< card link="../guide" title="指南" subtitle="从这里开始" >}}
{{< /cards >}}

{{< youtube id="abc123" title="演示" >}}

{{</* figure src="x.png" */>}}

{{< gist user 12345 >}}

`{{< toc >}}`
"""


def test_hugo_shortcodes(tmp_path: Path) -> None:
    guide = tmp_path / "content" / "guide"
    guide.mkdir(parents=True)
    (guide / "index.md").write_text("---\ntitle: 指南\n---\n正文\n", encoding="utf-8")
    article = convert(tmp_path, "posts/hugo.md", HUGO)
    assert article.body == (
        '<figure><img src="arch.png" alt="架构"><figcaption>图 1：架构</figcaption></figure>\n\n'
        "![无题](plain.png)\n\n"
        "见 [另一篇](../guide/index.md#安装) 和 [缺失](nowhere)。\n\n"
        '```go\nfmt.Println("{{< figure >}}")\n```\n\n'
        "> [!WARNING] 小心\n> 先 **备份**。\n\n"
        "> [!NOTE]\n> Hextra 提示\n\n"
        "> [!CAUTION] 注意\n> Docsy 警告\n\n"
        "<details>\n<summary>展开</summary>\n\n细节\n\n</details>\n\n"
        "**macOS**\n\nbrew install x\n\n**Linux**\n\napt install x\n\n"
        "- [指南](../guide)：从这里开始\n\n"
        '<iframe src="https://www.youtube-nocookie.com/embed/abc123" title="演示"'
        ' allowfullscreen loading="lazy"></iframe>\n\n'
        '&#123;&#123;< figure src="x.png" >&#125;&#125;\n\n'
        "\n"
        "`{{< toc >}}`\n"
    )
    assert article.warnings == [
        ("link-target-missing", line_of(HUGO, "nowhere"), col_of(HUGO, "{{< relref")),
        ("unknown-template-tag", line_of(HUGO, "gist"), 1),
    ]
    html = article.html()
    assert "<figcaption>图 1：架构</figcaption>" in html
    assert "{{&lt; figure src=&quot;x.png&quot; &gt;}}" in html
    assert "<code>{{&lt; toc &gt;}}</code>" in html
    assert article.fix_twice() == FRONT + article.body


CONTAINERS = """\
::: tip 小贴士
内容含 **强调**。
:::

::: warning
没有标题
:::

::: danger
危险
:::

:::: details 点击展开
外层

::: info 内层
嵌套的说明
:::
::::

::: code-group
```js [config.js]
export default {}
```

```ts
const a = 1
```
:::

::: center
居中文字
:::

```
::: tip 代码里的容器
:::
```

[[toc]]

<!-- toc -->
- [旧目录](#旧目录)
<!-- tocstop -->

[toc]

## 第一节
"""


def test_containers_and_markers(tmp_path: Path) -> None:
    article = convert(tmp_path, "vitepress.md", CONTAINERS)
    assert article.body == (
        "> [!TIP] 小贴士\n> 内容含 **强调**。\n\n"
        "> [!WARNING]\n> 没有标题\n\n"
        "> [!CAUTION]\n> 危险\n\n"
        "<details>\n<summary>点击展开</summary>\n\n外层\n\n> [!NOTE] 内层\n> 嵌套的说明\n\n"
        "</details>\n\n"
        "**config.js**\n\n```js\nexport default {}\n```\n\n**ts**\n\n```ts\nconst a = 1\n```\n\n"
        "居中文字\n\n"
        "```\n::: tip 代码里的容器\n:::\n```\n\n"
        "[TOC]\n\n"
        "[TOC]\n\n"
        "[TOC]\n\n"
        "## 第一节\n"
    )
    assert article.warnings == [("unknown-template-tag", line_of(CONTAINERS, "::: center"), 1)]
    assert {"container-callout", "container-details", "container-code-group", "toc-marker"} <= set(
        article.outcome.repairs
    )
    html = article.html()
    assert "<summary>点击展开</summary>" in html
    assert "<pre><code>::: tip 代码里的容器\n:::\n</code></pre>" in html
    assert article.fix_twice() == FRONT + article.body


def test_a_body_without_generator_syntax_is_left_alone(tmp_path: Path) -> None:
    plain = (
        "## 标题\n\n价格 {100} 元，`{% raw %}` 在代码里，集合 {a, b}。\n\n"
        "公式 $x^{{2}}$ 与 \\(a_{{i}}\\) 都是数学，$5 与 $10 是价格。\n\n"
        "$$\n\\frac{{a}}{b} + {%raw%}\n$$\n"
    )
    article = convert(tmp_path, "plain.md", plain)
    assert article.body == plain
    assert article.outcome.repairs == []
    assert article.outcome.repaired_text is None
