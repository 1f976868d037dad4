"""Hexo tag plugins and Jekyll's Liquid written as portable Markdown."""

from pathlib import Path

from tests.compat_articles import FRONT, col_of, convert, line_of

HEXO = """\
{% asset_img arch.png 系统架构 %}

详见 {% post_link 2023-01-02-other 上一篇 %}，或 [这里]({% post_path 2023-01-02-other %})。
再看 {% post_link gone-post %}。

{% codeblock lang:python %}
print("{% asset_img not-a-tag.png %}")
{% endcodeblock %}

{% note warning %}
升级前先 **备份**。
{% endnote %}

{% blockquote 鲁迅, 呐喊 %}
真的猛士，敢于直面惨淡的人生。
{% endblockquote %}

{% spoiler 答案 %}
42
{% endspoiler %}

{% youtube dQw4w9WgXcQ %}

行内代码 `{% asset_img keep.png %}` 不变。

    {% post_link indented-code %}

{% img /images/cat.png 300 200 '"小猫" "一只猫"' %}
{% img /images/dog.png 一只狗 %}

{% link 官网 https://example.com true 首页 %}，{% asset_link report.pdf 年度报告 %}

{% iframe https://player.bilibili.com/player.html?bvid=BV1xx %}

{% fancybox gallery %}
图集说明
{% endfancybox %}
"""


def test_hexo_tags_become_portable_markdown(tmp_path: Path) -> None:
    (tmp_path / "content" / "_posts").mkdir(parents=True)
    (tmp_path / "content" / "_posts" / "2023-01-02-other.md").write_text(
        "---\ntitle: 上一篇\n---\n正文\n", encoding="utf-8"
    )
    article = convert(tmp_path, "_posts/hexo-post.md", HEXO)
    assert article.body == (
        "![系统架构](hexo-post/arch.png)\n\n"
        "详见 [上一篇](2023-01-02-other.md)，或 [这里](2023-01-02-other.md)。\n"
        "再看 gone-post。\n\n"
        '```python\nprint("{% asset_img not-a-tag.png %}")\n```\n\n'
        "> [!WARNING]\n> 升级前先 **备份**。\n\n"
        "> 真的猛士，敢于直面惨淡的人生。\n>\n> —— 鲁迅, 呐喊\n\n"
        "<details>\n<summary>答案</summary>\n\n42\n\n</details>\n\n"
        '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" title="dQw4w9WgXcQ"'
        ' allowfullscreen loading="lazy"></iframe>\n\n'
        "行内代码 `{% asset_img keep.png %}` 不变。\n\n"
        "    {% post_link indented-code %}\n\n"
        '<img src="/images/cat.png" alt="一只猫" width="300" height="200" title="小猫">\n\n'
        '<figure><img src="/images/dog.png" alt="一只狗">'
        "<figcaption>一只狗</figcaption></figure>\n\n"
        '[官网](https://example.com "首页")，[年度报告](hexo-post/report.pdf)\n\n'
        '<iframe src="https://player.bilibili.com/player.html?bvid=BV1xx"'
        ' title="https://player.bilibili.com/player.html?bvid=BV1xx"'
        ' allowfullscreen loading="lazy"></iframe>\n'
        "\n图集说明\n"
    )
    assert article.warnings == [
        ("link-target-missing", line_of(HEXO, "gone-post"), col_of(HEXO, "{% post_link gone")),
        ("unknown-template-tag", line_of(HEXO, "{% fancybox"), 1),
    ]
    repairs = set(article.outcome.repairs)
    assert {"hexo-asset-img", "hexo-post-link", "hexo-codeblock", "hexo-note"} <= repairs
    assert {"hexo-blockquote", "hexo-spoiler", "hexo-embed", "template-tag-unwrapped"} <= repairs
    html = article.html()
    assert (
        '<img loading="eager" fetchpriority="high" decoding="async" '
        'src="hexo-post/arch.png" alt="系统架构" />'
    ) in html
    assert "<code>{% asset_img keep.png %}</code>" in html
    assert "{% post_link indented-code %}" in html  # inside <pre><code>
    assert "<details>" in html and "<summary>答案</summary>" in html
    outside_code = html.split("<pre")[0]
    assert "{%" not in outside_code
    assert article.fix_twice() == FRONT + article.body


JEKYLL = """\
{% include note.html content="记得 {{ page.title }}" %}

![图]({{ site.url }}{{ site.baseurl }}/images/a.png)
![图二]({{ "/images/b.png" | relative_url }})
作者 {{ page.author }}，站点 {{ site.title }}，缺失 {{ site.nothing }}。

[上一篇]({% post_url 2018-01-18-series %}) 与 [文件]({% link _posts/2018-01-18-series.md %})

{% highlight ruby linenos %}
def hi = puts "{{ not_a_variable }}"
{% endhighlight %}

{% raw %}
模板写作 {{ page.title }}，代码 `{{ x }}`
{% endraw %}

行内 {% raw %}{% if a %}{% endraw %} 结束。

{% comment %}
不显示
{% endcomment %}

{% include missing.html %}
"""


def test_jekyll_liquid_becomes_portable_markdown(tmp_path: Path) -> None:
    (tmp_path / "content" / "_posts").mkdir(parents=True)
    (tmp_path / "content" / "_posts" / "2018-01-18-series.md").write_text(
        "---\ntitle: 系列\n---\n正文\n", encoding="utf-8"
    )
    includes = tmp_path / "_includes"
    includes.mkdir()
    (includes / "note.html").write_text(
        '<p class="note">{{ include.content }}</p>\n', encoding="utf-8"
    )
    article = convert(
        tmp_path,
        "_posts/2018-02-26-series.md",
        JEKYLL,
        site={"title": "旧博客", "baseurl": "/blog"},
        includes=includes,
    )
    assert article.body == (
        '<p class="note">记得 迁移测试</p>\n\n'
        "![图](/blog/images/a.png)\n"
        "![图二](/blog/images/b.png)\n"
        "作者 李雷，站点 旧博客，缺失 。\n\n"
        "[上一篇](2018-01-18-series.md) 与 [文件](2018-01-18-series.md)\n\n"
        '```ruby\ndef hi = puts "{{ not_a_variable }}"\n```\n\n'
        "模板写作 &#123;&#123; page.title &#125;&#125;，代码 `{{ x }}`\n\n"
        "行内 &#123;% if a %&#125; 结束。\n\n"
        "\n"
    )
    assert article.warnings == [
        ("unknown-template-variable", line_of(JEKYLL, "缺失"), col_of(JEKYLL, "{{ site.nothing")),
        ("include-missing", line_of(JEKYLL, "missing.html"), 1),
    ]
    html = article.html()
    assert "模板写作 {{ page.title }}，代码 <code>{{ x }}</code>" in html
    assert "行内 {% if a %} 结束。" in html
    assert (
        '<img loading="eager" fetchpriority="high" decoding="async" '
        'src="/blog/images/a.png" alt="图" />'
    ) in html
    assert article.fix_twice() == FRONT + article.body
