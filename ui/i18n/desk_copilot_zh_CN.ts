<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
  <context>
    <name>ChartWidget</name>
    <message>
      <source>Chart of the result</source>
      <translation>结果图表</translation>
    </message>
    <message>
      <source>No chart for this result</source>
      <translation>此结果无法绘制图表</translation>
    </message>
  </context>
  <context>
    <name>ChooserDialog</name>
    <message>
      <source>Choose a model</source>
      <translation>选择模型</translation>
    </message>
  </context>
  <context>
    <name>CodeWorkspace</name>
    <message>
      <source>Code</source>
      <translation>代码</translation>
    </message>
    <message>
      <source>Language:</source>
      <translation>语言：</translation>
    </message>
    <message>
      <source>Explain</source>
      <translation>附带解释</translation>
    </message>
    <message>
      <source>Generate</source>
      <translation>生成</translation>
    </message>
    <message>
      <source>Generate the code (Ctrl+Enter)</source>
      <translation>生成代码（Ctrl+Enter）</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>What should the code do?</source>
      <translation>代码要做什么？</translation>
    </message>
    <message>
      <source>e.g. read a CSV file and print the average of the price column</source>
      <translation>例如：读取 CSV 文件并打印价格列的平均值</translation>
    </message>
    <message>
      <source>The generated code appears here. It is checked, never run.</source>
      <translation>生成的代码显示在这里。只做检查，绝不运行。</translation>
    </message>
    <message>
      <source>Explanation</source>
      <translation>解释</translation>
    </message>
    <message>
      <source>Copy</source>
      <translation>复制</translation>
    </message>
    <message>
      <source>Save…</source>
      <translation>保存…</translation>
    </message>
    <message>
      <source>Describe what the code should do first</source>
      <translation>请先描述代码要做什么</translation>
    </message>
    <message>
      <source>Generating…</source>
      <translation>正在生成…</translation>
    </message>
    <message>
      <source>Generating code</source>
      <translation>生成代码</translation>
    </message>
    <message>
      <source>Generating %1…</source>
      <translation>正在生成 %1…</translation>
    </message>
    <message>
      <source>Not checked yet</source>
      <translation>尚未检查</translation>
    </message>
    <message>
      <source>✓ Check passed:</source>
      <translation>✓ 检查通过：</translation>
    </message>
    <message>
      <source>✗ Check failed:</source>
      <translation>✗ 检查未通过：</translation>
    </message>
    <message>
      <source>⚠ Not checked:</source>
      <translation>⚠ 未检查：</translation>
    </message>
    <message>
      <source>Cancelled — the code so far is kept</source>
      <translation>已取消——已生成的代码保留</translation>
    </message>
    <message>
      <source>Copied to the clipboard</source>
      <translation>已复制到剪贴板</translation>
    </message>
    <message>
      <source>Save Code</source>
      <translation>保存代码</translation>
    </message>
    <message>
      <source>Code (*%1);;All files (*)</source>
      <translation>代码 (*%1);;所有文件 (*)</translation>
    </message>
    <message>
      <source>Saved %1</source>
      <translation>已保存 %1</translation>
    </message>
  </context>
  <context>
    <name>ColumnDelegate</name>
    <message>
      <source>(automatic)</source>
      <translation>（自动）</translation>
    </message>
  </context>
  <context>
    <name>DownloadController</name>
    <message>
      <source>Connecting to %1…</source>
      <translation>正在连接 %1…</translation>
    </message>
    <message>
      <source>Paused at %1 — Resume continues from there, also after a restart.</source>
      <translation>已暂停于 %1——“继续”会从这里接着下载，重启后也可以。</translation>
    </message>
    <message>
      <source>Download cancelled; the partial file was deleted.</source>
      <translation>下载已取消，未完成的文件已删除。</translation>
    </message>
    <message>
      <source>Downloaded and checked (SHA-256 matches). %1 is now the default model.</source>
      <translation>已下载并校验（SHA-256 一致）。%1 现在是默认模型。</translation>
    </message>
    <message>
      <source>Downloaded (no checksum was published). %1 is now the default model.</source>
      <translation>已下载（来源未公布校验值）。%1 现在是默认模型。</translation>
    </message>
  </context>
  <context>
    <name>ExcelWorkspace</name>
    <message>
      <source>Sheet:</source>
      <translation>工作表：</translation>
    </message>
    <message>
      <source>Save report workbook…</source>
      <translation>保存报告工作簿…</translation>
    </message>
    <message>
      <source>A new .xlsx with the profile, the answers and charts (Ctrl+S)</source>
      <translation>新建一个包含概况、答案和图表的 .xlsx（Ctrl+S）</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>Data</source>
      <translation>数据</translation>
    </message>
    <message>
      <source>Sheet profile</source>
      <translation>表格概况</translation>
    </message>
    <message>
      <source>Ask about this sheet, e.g. which region grew fastest in Q3?</source>
      <translation>就这张表提问，例如：第三季度哪个地区增长最快？</translation>
    </message>
    <message>
      <source>Ask</source>
      <translation>提问</translation>
    </message>
    <message>
      <source>Ctrl+Enter</source>
      <translation>Ctrl+Enter</translation>
    </message>
    <message>
      <source>Answer</source>
      <translation>回答</translation>
    </message>
    <message>
      <source>SQL (run locally, read-only)</source>
      <translation>SQL（在本机只读执行）</translation>
    </message>
    <message>
      <source>Questions asked</source>
      <translation>已提的问题</translation>
    </message>
    <message>
      <source>Result</source>
      <translation>结果</translation>
    </message>
    <message>
      <source>Chart</source>
      <translation>图表</translation>
    </message>
    <message>
      <source>Excel</source>
      <translation>Excel</translation>
    </message>
    <message>
      <source>Open a workbook or CSV file (Ctrl+O).</source>
      <translation>打开工作簿或 CSV 文件（Ctrl+O）。</translation>
    </message>
    <message>
      <source>Cancelled</source>
      <translation>已取消</translation>
    </message>
    <message>
      <source>Reading %1</source>
      <translation>读取 %1</translation>
    </message>
    <message>
      <source>Reading %1…</source>
      <translation>正在读取 %1…</translation>
    </message>
    <message numerus="yes">
      <source>%1: %n table(s)</source>
      <translation>
        <numerusform>%1：%n 个表</numerusform>
      </translation>
    </message>
    <message>
      <source>Profiling…</source>
      <translation>正在分析…</translation>
    </message>
    <message>
      <source>Profiling</source>
      <translation>分析数据概况</translation>
    </message>
    <message>
      <source>Profile ready</source>
      <translation>概况已生成</translation>
    </message>
    <message>
      <source>Column</source>
      <translation>列</translation>
    </message>
    <message>
      <source>Type</source>
      <translation>类型</translation>
    </message>
    <message>
      <source>Count</source>
      <translation>计数</translation>
    </message>
    <message>
      <source>Missing</source>
      <translation>缺失</translation>
    </message>
    <message>
      <source>Distinct</source>
      <translation>不同值</translation>
    </message>
    <message>
      <source>Min</source>
      <translation>最小值</translation>
    </message>
    <message>
      <source>Max</source>
      <translation>最大值</translation>
    </message>
    <message>
      <source>Mean</source>
      <translation>平均值</translation>
    </message>
    <message>
      <source>Median</source>
      <translation>中位数</translation>
    </message>
    <message>
      <source>Std dev</source>
      <translation>标准差</translation>
    </message>
    <message>
      <source>Outliers</source>
      <translation>异常值</translation>
    </message>
    <message>
      <source>Top values</source>
      <translation>最常见的值</translation>
    </message>
    <message>
      <source>%1 rows, cells %2</source>
      <translation>%1 行，单元格 %2</translation>
    </message>
    <message>
      <source>header rows: %1</source>
      <translation>表头行：%1</translation>
    </message>
    <message>
      <source>duplicate rows: %1</source>
      <translation>重复行：%1</translation>
    </message>
    <message>
      <source>a totals row was found and left out of the statistics</source>
      <translation>发现合计行，已排除在统计之外</translation>
    </message>
    <message>
      <source>Open a workbook first.</source>
      <translation>请先打开工作簿。</translation>
    </message>
    <message>
      <source>Type a question first.</source>
      <translation>请先输入问题。</translation>
    </message>
    <message>
      <source>Asking…</source>
      <translation>正在提问…</translation>
    </message>
    <message>
      <source>Asking</source>
      <translation>提问</translation>
    </message>
    <message>
      <source>Answered</source>
      <translation>已回答</translation>
    </message>
    <message>
      <source>Not found in the query result — check before using: %1</source>
      <translation>查询结果中没有——使用前请核对：%1</translation>
    </message>
    <message>
      <source>Not supported by the query result:</source>
      <translation>查询结果不支持以下说法：</translation>
    </message>
    <message>
      <source>Save report workbook</source>
      <translation>保存报告工作簿</translation>
    </message>
    <message>
      <source>Excel workbook (*.xlsx)</source>
      <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
      <source>Writing the report</source>
      <translation>写入报告</translation>
    </message>
    <message>
      <source>Writing the report…</source>
      <translation>正在写入报告…</translation>
    </message>
    <message>
      <source>Saved %1</source>
      <translation>已保存 %1</translation>
    </message>
  </context>
  <context>
    <name>HistoryModel</name>
    <message>
      <source>When</source>
      <translation>时间</translation>
    </message>
    <message>
      <source>Task</source>
      <translation>任务</translation>
    </message>
    <message>
      <source>Template</source>
      <translation>模板</translation>
    </message>
    <message>
      <source>Profile / model</source>
      <translation>配置 / 模型</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Output</source>
      <translation>输出</translation>
    </message>
  </context>
  <context>
    <name>HistoryWindow</name>
    <message>
      <source>History</source>
      <translation>历史</translation>
    </message>
    <message>
      <source>Search runs (any word, 中文 or English)…</source>
      <translation>搜索运行记录（任意词，中文或英文）…</translation>
    </message>
    <message>
      <source>Run Again</source>
      <translation>重新运行</translation>
    </message>
    <message>
      <source>Copy Output</source>
      <translation>复制输出</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>删除</translation>
    </message>
    <message>
      <source>Clear History…</source>
      <translation>清空历史记录…</translation>
    </message>
    <message>
      <source>All tasks</source>
      <translation>全部任务</translation>
    </message>
    <message>
      <source>All templates</source>
      <translation>全部模板</translation>
    </message>
    <message>
      <source>All profiles</source>
      <translation>全部配置</translation>
    </message>
    <message>
      <source>Input file</source>
      <translation>输入文件</translation>
    </message>
    <message>
      <source>Output file</source>
      <translation>输出文件</translation>
    </message>
    <message>
      <source>Error</source>
      <translation>错误</translation>
    </message>
    <message>
      <source>Input</source>
      <translation>输入</translation>
    </message>
    <message>
      <source>Output</source>
      <translation>输出</translation>
    </message>
    <message>
      <source>Clear History</source>
      <translation>清空历史记录</translation>
    </message>
    <message>
      <source>Delete every recorded run? This cannot be undone.</source>
      <translation>删除所有运行记录吗？此操作无法撤销。</translation>
    </message>
  </context>
  <context>
    <name>HotkeyEdit</name>
    <message>
      <source>Default</source>
      <translation>默认值</translation>
    </message>
    <message>
      <source>Press the new shortcut, e.g. Ctrl+Alt+Space</source>
      <translation>按下新的快捷键，例如 Ctrl+Alt+Space</translation>
    </message>
  </context>
  <context>
    <name>Hotkeys</name>
    <message>
      <source>global hotkeys need {0} (pip install python-xlib)</source>
      <translation>全局快捷键需要 {0}（pip install python-xlib）</translation>
    </message>
    <message>
      <source>no display found (DISPLAY is not set) — global hotkeys are off; use `desk-copilot quick` instead</source>
      <translation>未找到显示器（未设置 DISPLAY）——全局快捷键已关闭；请改用 `desk-copilot quick`</translation>
    </message>
    <message>
      <source>To copy the selection and paste results into other apps, allow Desk Copilot under System Settings → Privacy &amp; Security → Accessibility (the hotkey itself needs no permission).</source>
      <translation>要复制选中内容并把结果粘贴到其他应用，请在“系统设置 → 隐私与安全性 → 辅助功能”中允许桌面助手（快捷键本身无需权限）。</translation>
    </message>
    <message>
      <source>Wayland does not allow applications to grab global keys. Bind the command `desk-copilot quick` (or `desk-copilot quick --template ID`) to a shortcut in your desktop's keyboard settings; it opens the quick window of the running Desk Copilot.</source>
      <translation>Wayland 不允许应用抢占全局按键。请在桌面的键盘设置中把命令 `desk-copilot quick`（或 `desk-copilot quick --template ID`）绑定到快捷键；它会打开正在运行的桌面助手的快速窗口。</translation>
    </message>
  </context>
  <context>
    <name>ImportReviewDialog</name>
    <message>
      <source>Review Before Adding</source>
      <translation>添加前审阅</translation>
    </message>
    <message>
      <source>%1 comes from outside your library. Read it before adding: a template's text is sent to the model each time you use it. Hotkeys are never taken from a file.</source>
      <translation>%1 来自提示词库之外。添加前请先阅读：每次使用模板时，其文字都会发送给模型。热键从不取自文件。</translation>
    </message>
    <message>
      <source>%1 (skipped: %2)</source>
      <translation>%1（已跳过：%2）</translation>
    </message>
    <message>
      <source>Add to Library</source>
      <translation>添加到提示词库</translation>
    </message>
  </context>
  <context>
    <name>KnowledgeWorkspace</name>
    <message>
      <source>Knowledge</source>
      <translation>知识库</translation>
    </message>
    <message>
      <source>Knowledge base:</source>
      <translation>知识库：</translation>
    </message>
    <message>
      <source>New…</source>
      <translation>新建…</translation>
    </message>
    <message>
      <source>Add folder…</source>
      <translation>添加文件夹…</translation>
    </message>
    <message>
      <source>Add files…</source>
      <translation>添加文件…</translation>
    </message>
    <message>
      <source>Sync</source>
      <translation>同步</translation>
    </message>
    <message>
      <source>Read new and changed files again; unchanged files are skipped</source>
      <translation>重新读取新增和修改过的文件；未变的文件会跳过</translation>
    </message>
    <message>
      <source>Remove</source>
      <translation>删除</translation>
    </message>
    <message>
      <source>Forget the selected files or folders (your files are not touched)</source>
      <translation>从知识库移除所选文件或文件夹（不会改动你的文件）</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>Sources</source>
      <translation>来源</translation>
    </message>
    <message>
      <source>Ask a question, or type words to search — e.g. 出差住宿标准是多少？</source>
      <translation>输入问题或关键词检索——例如：出差住宿标准是多少？</translation>
    </message>
    <message>
      <source>Search</source>
      <translation>检索</translation>
    </message>
    <message>
      <source>Ask</source>
      <translation>提问</translation>
    </message>
    <message>
      <source>Answer from the knowledge base with citations (Ctrl+Enter)</source>
      <translation>依据知识库回答并标注出处（Ctrl+Enter）</translation>
    </message>
    <message>
      <source>Search results and answers appear here. Click a citation to open the file at that paragraph, slide or page.</source>
      <translation>检索结果和回答显示在这里。点击引用即可打开对应文件并定位到段落、幻灯片或页。</translation>
    </message>
    <message>
      <source>Whole knowledge base</source>
      <translation>整个知识库</translation>
    </message>
    <message>
      <source>Reading the knowledge base</source>
      <translation>读取知识库</translation>
    </message>
    <message>
      <source>%1 files, %2 failed</source>
      <translation>%1 个文件，%2 个失败</translation>
    </message>
    <message>
      <source>Asking about %1 only</source>
      <translation>仅就 %1 提问</translation>
    </message>
    <message>
      <source>New knowledge base</source>
      <translation>新建知识库</translation>
    </message>
    <message>
      <source>Name:</source>
      <translation>名称：</translation>
    </message>
    <message>
      <source>Add a folder to the knowledge base</source>
      <translation>向知识库添加文件夹</translation>
    </message>
    <message>
      <source>Add files to the knowledge base</source>
      <translation>向知识库添加文件</translation>
    </message>
    <message>
      <source>Documents (*.docx *.pptx *.xlsx *.xlsm *.xls *.ods *.csv *.pdf *.md *.txt)</source>
      <translation>文档 (*.docx *.pptx *.xlsx *.xlsm *.xls *.ods *.csv *.pdf *.md *.txt)</translation>
    </message>
    <message>
      <source>Indexing… %v / %m files</source>
      <translation>正在建立索引… %v / %m 个文件</translation>
    </message>
    <message>
      <source>Indexing</source>
      <translation>建立索引</translation>
    </message>
    <message>
      <source>Indexing %1…</source>
      <translation>正在为 %1 建立索引…</translation>
    </message>
    <message>
      <source>%1 added, %2 changed, %3 removed, %4 unchanged, %5 failed</source>
      <translation>新增 %1，修改 %2，删除 %3，未变 %4，失败 %5</translation>
    </message>
    <message>
      <source>Select the files to remove first</source>
      <translation>请先选择要移除的文件</translation>
    </message>
    <message>
      <source>Removing</source>
      <translation>移除</translation>
    </message>
    <message>
      <source>%1 is inside an added folder: remove the folder, or move the file out of it</source>
      <translation>%1 位于已添加的文件夹中：请移除该文件夹，或把文件移出</translation>
    </message>
    <message>
      <source>Searching</source>
      <translation>检索</translation>
    </message>
    <message>
      <source>Looking in %1…</source>
      <translation>正在 %1 中查找…</translation>
    </message>
    <message>
      <source>Answering</source>
      <translation>回答</translation>
    </message>
    <message>
      <source>paragraph %1</source>
      <translation>第 %1 段</translation>
    </message>
    <message>
      <source>slide %1</source>
      <translation>第 %1 张幻灯片</translation>
    </message>
    <message>
      <source>page %1</source>
      <translation>第 %1 页</translation>
    </message>
    <message>
      <source>sheet %1, rows %2</source>
      <translation>工作表 %1，第 %2 行</translation>
    </message>
    <message>
      <source>line %1</source>
      <translation>第 %1 行</translation>
    </message>
    <message>
      <source>Nothing found.</source>
      <translation>没有找到。</translation>
    </message>
    <message>
      <source>Dimmed sentences cite no source.</source>
      <translation>灰色句子没有标注出处。</translation>
    </message>
    <message>
      <source>Citations that named no retrieved source were removed: %1</source>
      <translation>已删除不对应任何检索片段的引用：%1</translation>
    </message>
    <message>
      <source>Not found in the cited sources — check: %1</source>
      <translation>引用的资料中没有这些内容，请核实：%1</translation>
    </message>
    <message>
      <source>File</source>
      <translation>文件</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Chunks</source>
      <translation>片段</translation>
    </message>
    <message>
      <source>indexed</source>
      <translation>已索引</translation>
    </message>
    <message>
      <source>failed</source>
      <translation>失败</translation>
    </message>
    <message>
      <source>pending</source>
      <translation>待处理</translation>
    </message>
  </context>
  <context>
    <name>LegacyOpen</name>
    <message>
      <source>%1 is a legacy Office file: install LibreOffice to convert a copy, or save it as %2 in Office</source>
      <translation>%1 是旧版 Office 文件：请安装 LibreOffice 以转换副本，或在 Office 中另存为 %2</translation>
    </message>
    <message>
      <source>%1 is in an old Office format. Convert a copy to %2 with LibreOffice and open it? The original is not changed.</source>
      <translation>%1 是旧版 Office 格式。用 LibreOffice 将副本转换为 %2 并打开吗？原文件不会改动。</translation>
    </message>
    <message>
      <source>Legacy File</source>
      <translation>旧格式文件</translation>
    </message>
    <message>
      <source>Converted a copy: %1</source>
      <translation>已转换副本：%1</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <source>Word</source>
      <translation>Word</translation>
    </message>
    <message>
      <source>Excel</source>
      <translation>Excel</translation>
    </message>
    <message>
      <source>PowerPoint</source>
      <translation>PowerPoint</translation>
    </message>
    <message>
      <source>Code</source>
      <translation>代码</translation>
    </message>
    <message>
      <source>Prompts</source>
      <translation>提示词</translation>
    </message>
    <message>
      <source>Demo model: the embedded SmolLM2-135M is for trying the app and is weak at real documents.</source>
      <translation>演示模型：内置的 SmolLM2-135M 仅供试用，处理真实文档能力很弱。</translation>
    </message>
    <message>
      <source>Choose a model…</source>
      <translation>选择模型…</translation>
    </message>
    <message>
      <source>Knowledge</source>
      <translation>知识库</translation>
    </message>
    <message>
      <source>&amp;Models…</source>
      <translation>模型(&amp;M)…</translation>
    </message>
    <message>
      <source>&amp;File</source>
      <translation>文件(&amp;F)</translation>
    </message>
    <message>
      <source>&amp;Edit</source>
      <translation>编辑(&amp;E)</translation>
    </message>
    <message>
      <source>&amp;View</source>
      <translation>视图(&amp;V)</translation>
    </message>
    <message>
      <source>&amp;Tools</source>
      <translation>工具(&amp;T)</translation>
    </message>
    <message>
      <source>&amp;Help</source>
      <translation>帮助(&amp;H)</translation>
    </message>
    <message>
      <source>Open &amp;Recent</source>
      <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
      <source>&amp;Language</source>
      <translation>语言(&amp;L)</translation>
    </message>
    <message>
      <source>T&amp;heme</source>
      <translation>主题(&amp;H)</translation>
    </message>
    <message>
      <source>&amp;Open…</source>
      <translation>打开(&amp;O)…</translation>
    </message>
    <message>
      <source>&amp;Save</source>
      <translation>保存(&amp;S)</translation>
    </message>
    <message>
      <source>&amp;Quit</source>
      <translation>退出(&amp;Q)</translation>
    </message>
    <message>
      <source>&amp;Run</source>
      <translation>运行(&amp;R)</translation>
    </message>
    <message>
      <source>&amp;Cancel</source>
      <translation>取消(&amp;C)</translation>
    </message>
    <message>
      <source>&amp;Settings…</source>
      <translation>设置(&amp;S)…</translation>
    </message>
    <message>
      <source>&amp;History…</source>
      <translation>历史记录(&amp;H)…</translation>
    </message>
    <message>
      <source>Incognito</source>
      <translation>无痕</translation>
    </message>
    <message>
      <source>Runs started while this is ticked are not recorded in the history, the log file or any cache</source>
      <translation>勾选后开始的运行不会记录到历史记录、日志文件或任何缓存中</translation>
    </message>
    <message>
      <source>&amp;About Desk Copilot</source>
      <translation>关于桌面助手(&amp;A)</translation>
    </message>
    <message>
      <source>Clear List</source>
      <translation>清空列表</translation>
    </message>
    <message>
      <source>Follow System</source>
      <translation>跟随系统</translation>
    </message>
    <message>
      <source>Light</source>
      <translation>浅色</translation>
    </message>
    <message>
      <source>Dark</source>
      <translation>深色</translation>
    </message>
    <message>
      <source>Dismiss</source>
      <translation>关闭</translation>
    </message>
    <message>
      <source>%1 — Desk Copilot</source>
      <translation>%1 — 桌面助手</translation>
    </message>
    <message>
      <source>Desk Copilot</source>
      <translation>桌面助手</translation>
    </message>
    <message>
      <source>The %1 workspace is not available in this build.</source>
      <translation>此版本中没有 %1 工作区。</translation>
    </message>
    <message>
      <source>%1 does not exist — check the path</source>
      <translation>%1 不存在——请检查路径</translation>
    </message>
    <message>
      <source>%1: Desk Copilot cannot open this kind of file (Word .docx, Excel .xlsx/.csv, PowerPoint .pptx, code, prompt .md)</source>
      <translation>%1：桌面助手无法打开这种文件（支持 Word .docx、Excel .xlsx/.csv、PowerPoint .pptx、代码、提示词 .md）</translation>
    </message>
    <message>
      <source>Supported files (*.docx *.xlsx *.xlsm *.xls *.ods *.csv *.pptx *.md *.py *.sql *.js *.ts)</source>
      <translation>支持的文件 (*.docx *.xlsx *.xlsm *.xls *.ods *.csv *.pptx *.md *.py *.sql *.js *.ts)</translation>
    </message>
    <message>
      <source>Word documents (*.docx)</source>
      <translation>Word 文档 (*.docx)</translation>
    </message>
    <message>
      <source>Spreadsheets (*.xlsx *.xlsm *.xlsb *.xls *.ods *.csv *.tsv)</source>
      <translation>电子表格 (*.xlsx *.xlsm *.xlsb *.xls *.ods *.csv *.tsv)</translation>
    </message>
    <message>
      <source>PowerPoint decks (*.pptx)</source>
      <translation>PowerPoint 演示文稿 (*.pptx)</translation>
    </message>
    <message>
      <source>Prompt templates (*.md *.prompty)</source>
      <translation>提示词模板 (*.md *.prompty)</translation>
    </message>
    <message>
      <source>All files (*)</source>
      <translation>所有文件 (*)</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>打开</translation>
    </message>
    <message>
      <source>Internal error (details in the log): %1</source>
      <translation>内部错误（详情见日志）：%1</translation>
    </message>
    <message>
      <source>%1 failed at %2: %3</source>
      <translation>%1 于 %2 失败：%3</translation>
    </message>
    <message>
      <source>Nothing to run again from: the run's input was not kept</source>
      <translation>无法重新运行：这次运行的输入没有保留</translation>
    </message>
    <message>
      <source>About Desk Copilot</source>
      <translation>关于桌面助手</translation>
    </message>
    <message>
      <source>&lt;h3&gt;Desk Copilot %1&lt;/h3&gt;&lt;p&gt;A desktop copilot for office work: Word polishing as tracked changes, spreadsheet questions answered by local SQL, decks in your own template, code snippets and a tested prompt library.&lt;/p&gt;&lt;p&gt;Your documents stay on this computer unless you choose a remote model.&lt;/p&gt;&lt;p&gt;Qt for Python %2 · MIT licence&lt;/p&gt;</source>
      <translation>&lt;h3&gt;桌面助手 %1&lt;/h3&gt;&lt;p&gt;办公桌面助手：Word 润色并以修订显示、用本地 SQL 回答表格问题、按您的模板生成演示文稿、代码片段，以及经过测试的提示词库。&lt;/p&gt;&lt;p&gt;除非您选择远程模型，文档始终留在本机。&lt;/p&gt;&lt;p&gt;Qt for Python %2 · MIT 许可证&lt;/p&gt;</translation>
    </message>
    <message>
      <source>A job is running</source>
      <translation>有任务正在运行</translation>
    </message>
    <message>
      <source>%1 is still working. Cancel it and close? Results already finished are kept.</source>
      <translation>%1 仍在运行。取消并关闭吗？已完成的结果会保留。</translation>
    </message>
    <message>
      <source>%1 cannot be opened — check that it still exists</source>
      <translation>无法打开 %1——请确认文件仍然存在</translation>
    </message>
  </context>
  <context>
    <name>ModelChooser</name>
    <message>
      <source>Desk Copilot works with any model you choose. Until you choose, it uses the small embedded SmolLM2-135M demo model: fine for trying the app, weak at real documents.</source>
      <translation>桌面助手可以使用您选择的任何模型。在您选择之前，它使用内置的小型演示模型 SmolLM2-135M：适合试用，处理真实文档能力很弱。</translation>
    </message>
    <message>
      <source>Model servers on this machine</source>
      <translation>本机上的模型服务</translation>
    </message>
    <message>
      <source>Look again</source>
      <translation>重新查找</translation>
    </message>
    <message>
      <source>Use this server</source>
      <translation>使用此服务</translation>
    </message>
    <message>
      <source>A hosted model with your key</source>
      <translation>使用您的密钥调用在线模型</translation>
    </message>
    <message>
      <source>API key (stored in the system keyring)</source>
      <translation>API 密钥（保存在系统钥匙串中）</translation>
    </message>
    <message>
      <source>Save key and use</source>
      <translation>保存密钥并使用</translation>
    </message>
    <message>
      <source>Download a local model (this machine: %1 GB RAM)</source>
      <translation>下载本地模型（本机内存：%1 GB）</translation>
    </message>
    <message>
      <source>Download</source>
      <translation>下载</translation>
    </message>
    <message>
      <source>Resume</source>
      <translation>继续</translation>
    </message>
    <message>
      <source>Pause</source>
      <translation>暂停</translation>
    </message>
    <message>
      <source>Cancel download</source>
      <translation>取消下载</translation>
    </message>
    <message>
      <source>Looking for Ollama, LM Studio, vLLM and llama.cpp…</source>
      <translation>正在查找 Ollama、LM Studio、vLLM 和 llama.cpp…</translation>
    </message>
    <message>
      <source>no models yet</source>
      <translation>尚无模型</translation>
    </message>
    <message>
      <source>Found %1 on this machine with %2 — use it</source>
      <translation>在本机发现 %1（模型 %2）——使用它</translation>
    </message>
    <message numerus="yes">
      <source>%n server(s) found.</source>
      <translation>
        <numerusform>找到 %n 个服务。</numerusform>
      </translation>
    </message>
    <message>
      <source>None found. Start Ollama or LM Studio and look again.</source>
      <translation>未找到。请启动 Ollama 或 LM Studio 后重新查找。</translation>
    </message>
    <message>
      <source>Profile %1 is now the default.</source>
      <translation>配置 %1 现在是默认配置。</translation>
    </message>
    <message>
      <source>Enter the key first.</source>
      <translation>请先输入密钥。</translation>
    </message>
    <message>
      <source>Key stored. %1 is now the default; Settings → Test connection checks it.</source>
      <translation>密钥已保存。%1 现在是默认配置；可在“设置 → 测试连接”中检查。</translation>
    </message>
    <message>
      <source>paused at %1</source>
      <translation>已暂停于 %1</translation>
    </message>
    <message>
      <source>fits this machine</source>
      <translation>适合本机</translation>
    </message>
    <message>
      <source>Paused earlier — Resume continues where it stopped.</source>
      <translation>之前已暂停——“继续”会从中断处接着下载。</translation>
    </message>
    <message>
      <source>Downloads are checked against the published SHA-256 and can be paused and resumed.</source>
      <translation>下载的文件会与公布的 SHA-256 校验，并可暂停和继续。</translation>
    </message>
  </context>
  <context>
    <name>ModelIndicator</name>
    <message>
      <source>No model profile</source>
      <translation>没有模型配置</translation>
    </message>
    <message>
      <source>hosted</source>
      <translation>云端</translation>
    </message>
    <message>
      <source>local server</source>
      <translation>本地服务</translation>
    </message>
    <message>
      <source>embedded</source>
      <translation>内置</translation>
    </message>
    <message>
      <source>demo-grade</source>
      <translation>演示级</translation>
    </message>
    <message>
      <source>The embedded SmolLM2-135M model is a small demo model: fine for trying the app, weak at real documents. Choose a stronger profile here or in Settings.</source>
      <translation>内置的 SmolLM2-135M 是很小的演示模型：适合试用本应用，处理真实文档能力较弱。可在此处或设置中选择更强的配置。</translation>
    </message>
    <message>
      <source>Profile %1 at %2. Click to choose the profile for this workspace.</source>
      <translation>配置 %1，位于 %2。点击为此工作区选择配置。</translation>
    </message>
    <message>
      <source>Use the default profile</source>
      <translation>使用默认配置</translation>
    </message>
  </context>
  <context>
    <name>OutlineModel</name>
    <message>
      <source>Slide / bullet</source>
      <translation>幻灯片 / 要点</translation>
    </message>
    <message>
      <source>Layout / level</source>
      <translation>版式 / 级别</translation>
    </message>
    <message>
      <source>(untitled slide)</source>
      <translation>（无标题幻灯片）</translation>
    </message>
    <message>
      <source>New slide</source>
      <translation>新幻灯片</translation>
    </message>
    <message>
      <source>New bullet</source>
      <translation>新要点</translation>
    </message>
  </context>
  <context>
    <name>Placeholders</name>
    <message>
      <source>field</source>
      <translation>域</translation>
    </message>
    <message>
      <source>footnote</source>
      <translation>脚注</translation>
    </message>
    <message>
      <source>endnote</source>
      <translation>尾注</translation>
    </message>
    <message>
      <source>image</source>
      <translation>图片</translation>
    </message>
    <message>
      <source>object</source>
      <translation>对象</translation>
    </message>
    <message>
      <source>link</source>
      <translation>链接</translation>
    </message>
    <message>
      <source>equation</source>
      <translation>公式</translation>
    </message>
    <message>
      <source>comment</source>
      <translation>批注</translation>
    </message>
    <message>
      <source>protected</source>
      <translation>受保护</translation>
    </message>
    <message>
      <source>→ a tab</source>
      <translation>→ 制表符</translation>
    </message>
    <message>
      <source>↵ a line break</source>
      <translation>↵ 换行</translation>
    </message>
    <message>
      <source>a field (page number, date, cross-reference…), kept as it is</source>
      <translation>域（页码、日期、交叉引用等），原样保留</translation>
    </message>
    <message>
      <source>a footnote reference, kept as it is</source>
      <translation>脚注引用，原样保留</translation>
    </message>
    <message>
      <source>an endnote reference, kept as it is</source>
      <translation>尾注引用，原样保留</translation>
    </message>
    <message>
      <source>an image, kept as it is</source>
      <translation>图片，原样保留</translation>
    </message>
    <message>
      <source>an embedded object, kept as it is</source>
      <translation>嵌入对象，原样保留</translation>
    </message>
    <message>
      <source>a link, kept as it is</source>
      <translation>链接，原样保留</translation>
    </message>
    <message>
      <source>an equation, kept as it is</source>
      <translation>公式，原样保留</translation>
    </message>
    <message>
      <source>a comment anchor, kept as it is</source>
      <translation>批注标记，原样保留</translation>
    </message>
    <message>
      <source>protected content, kept as it is</source>
      <translation>受保护的内容，原样保留</translation>
    </message>
  </context>
  <context>
    <name>PowerPointWorkspace</name>
    <message>
      <source>Source</source>
      <translation>来源</translation>
    </message>
    <message>
      <source>Topic</source>
      <translation>主题</translation>
    </message>
    <message>
      <source>Pasted text</source>
      <translation>粘贴的文字</translation>
    </message>
    <message>
      <source>Word document</source>
      <translation>Word 文档</translation>
    </message>
    <message>
      <source>Topic:</source>
      <translation>主题：</translation>
    </message>
    <message>
      <source>e.g. Q3 customer-service review for management</source>
      <translation>例如：面向管理层的第三季度客服回顾</translation>
    </message>
    <message>
      <source>Slides:</source>
      <translation>页数：</translation>
    </message>
    <message>
      <source>Audience:</source>
      <translation>受众：</translation>
    </message>
    <message>
      <source>e.g. management</source>
      <translation>例如：管理层</translation>
    </message>
    <message>
      <source>Tone:</source>
      <translation>语气：</translation>
    </message>
    <message>
      <source>formal</source>
      <translation>正式</translation>
    </message>
    <message>
      <source>neutral</source>
      <translation>中性</translation>
    </message>
    <message>
      <source>friendly</source>
      <translation>友好</translation>
    </message>
    <message>
      <source>persuasive</source>
      <translation>有说服力</translation>
    </message>
    <message>
      <source>Language:</source>
      <translation>语言：</translation>
    </message>
    <message>
      <source>Same as the source</source>
      <translation>与原文相同</translation>
    </message>
    <message>
      <source>zh — Chinese</source>
      <translation>zh — 中文</translation>
    </message>
    <message>
      <source>en — English</source>
      <translation>en — 英文</translation>
    </message>
    <message>
      <source>Paste notes or a draft here; the outline is made from it.</source>
      <translation>在此粘贴笔记或草稿，据此生成大纲。</translation>
    </message>
    <message>
      <source>Choose a .docx…</source>
      <translation>选择 .docx…</translation>
    </message>
    <message>
      <source>Generate outline</source>
      <translation>生成大纲</translation>
    </message>
    <message>
      <source>Ctrl+Enter</source>
      <translation>Ctrl+Enter</translation>
    </message>
    <message>
      <source>Open outline (.md)…</source>
      <translation>打开大纲（.md）…</translation>
    </message>
    <message>
      <source>Outline</source>
      <translation>大纲</translation>
    </message>
    <message>
      <source>Deck title:</source>
      <translation>演示文稿标题：</translation>
    </message>
    <message>
      <source>Subtitle:</source>
      <translation>副标题：</translation>
    </message>
    <message>
      <source>+ Slide</source>
      <translation>+ 幻灯片</translation>
    </message>
    <message>
      <source>Add a slide after the current one</source>
      <translation>在当前幻灯片后添加一页</translation>
    </message>
    <message>
      <source>+ Bullet</source>
      <translation>+ 要点</translation>
    </message>
    <message>
      <source>Add a bullet to the current slide</source>
      <translation>为当前幻灯片添加要点</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>删除</translation>
    </message>
    <message>
      <source>Delete the selected slide or bullet</source>
      <translation>删除所选幻灯片或要点</translation>
    </message>
    <message>
      <source>Indent</source>
      <translation>降级</translation>
    </message>
    <message>
      <source>One level deeper</source>
      <translation>降一级</translation>
    </message>
    <message>
      <source>Outdent</source>
      <translation>升级</translation>
    </message>
    <message>
      <source>One level up</source>
      <translation>升一级</translation>
    </message>
    <message>
      <source>Up</source>
      <translation>上移</translation>
    </message>
    <message>
      <source>Move up</source>
      <translation>上移</translation>
    </message>
    <message>
      <source>Down</source>
      <translation>下移</translation>
    </message>
    <message>
      <source>Move down</source>
      <translation>下移</translation>
    </message>
    <message>
      <source>Speaker notes of the current slide:</source>
      <translation>当前幻灯片的演讲者备注：</translation>
    </message>
    <message>
      <source>Template and deck</source>
      <translation>模板与演示文稿</translation>
    </message>
    <message>
      <source>Browse…</source>
      <translation>浏览…</translation>
    </message>
    <message>
      <source>Build → Save .pptx…</source>
      <translation>生成 → 保存 .pptx…</translation>
    </message>
    <message>
      <source>Ctrl+S</source>
      <translation>Ctrl+S</translation>
    </message>
    <message>
      <source>Save outline (.md)…</source>
      <translation>保存大纲（.md）…</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>Slide previews (rendered by LibreOffice)</source>
      <translation>幻灯片预览（由 LibreOffice 渲染）</translation>
    </message>
    <message>
      <source>Slide previews</source>
      <translation>幻灯片预览</translation>
    </message>
    <message>
      <source>Previews</source>
      <translation>预览</translation>
    </message>
    <message>
      <source>Review</source>
      <translation>审阅</translation>
    </message>
    <message>
      <source>Sources:</source>
      <translation>资料：</translation>
    </message>
    <message>
      <source>Outline from a knowledge base: its passages are the source, cited in the speaker notes</source>
      <translation>依据知识库生成大纲：检索到的段落作为资料，并在演讲者备注中注明出处</translation>
    </message>
    <message>
      <source>Ask about this deck</source>
      <translation>就此演示文稿提问</translation>
    </message>
    <message>
      <source>Questions answered from this deck, with citations (Knowledge)</source>
      <translation>依据此演示文稿回答问题并标注出处（知识库）</translation>
    </message>
    <message>
      <source>Review the deck</source>
      <translation>审阅演示文稿</translation>
    </message>
    <message>
      <source>Checks (words, titles, font sizes, bullets) and the model's comments on structure — for an opened or built deck</source>
      <translation>检查（字数、标题、字号、要点）以及模型对结构的意见——适用于已打开或已生成的演示文稿</translation>
    </message>
    <message>
      <source>PowerPoint</source>
      <translation>PowerPoint</translation>
    </message>
    <message>
      <source>No document chosen.</source>
      <translation>尚未选择文档。</translation>
    </message>
    <message>
      <source>Choose a Word document</source>
      <translation>选择 Word 文档</translation>
    </message>
    <message>
      <source>Word documents (*.docx *.doc)</source>
      <translation>Word 文档 (*.docx *.doc)</translation>
    </message>
    <message>
      <source>Write a topic, paste text or choose a document first.</source>
      <translation>请先填写主题、粘贴文字或选择文档。</translation>
    </message>
    <message>
      <source>Generating the outline</source>
      <translation>生成大纲</translation>
    </message>
    <message>
      <source>Generating the outline…</source>
      <translation>正在生成大纲…</translation>
    </message>
    <message numerus="yes">
      <source>Outline ready: %n slide(s)</source>
      <translation>
        <numerusform>大纲已生成：%n 页</numerusform>
      </translation>
    </message>
    <message>
      <source>Reading %1</source>
      <translation>读取 %1</translation>
    </message>
    <message>
      <source>Reading %1…</source>
      <translation>正在读取 %1…</translation>
    </message>
    <message numerus="yes">
      <source>Outline read: %n slide(s)</source>
      <translation>
        <numerusform>已读取大纲：%n 页</numerusform>
      </translation>
    </message>
    <message>
      <source>Open an outline</source>
      <translation>打开大纲</translation>
    </message>
    <message>
      <source>Outline Markdown (*.md *.markdown *.txt)</source>
      <translation>大纲 Markdown (*.md *.markdown *.txt)</translation>
    </message>
    <message>
      <source>Save the outline</source>
      <translation>保存大纲</translation>
    </message>
    <message>
      <source>Outline Markdown (*.md)</source>
      <translation>大纲 Markdown (*.md)</translation>
    </message>
    <message>
      <source>Saved %1</source>
      <translation>已保存 %1</translation>
    </message>
    <message>
      <source>Saving the outline</source>
      <translation>保存大纲</translation>
    </message>
    <message>
      <source>Saving the outline…</source>
      <translation>正在保存大纲…</translation>
    </message>
    <message>
      <source>Default template</source>
      <translation>默认模板</translation>
    </message>
    <message>
      <source>Choose a template</source>
      <translation>选择模板</translation>
    </message>
    <message>
      <source>PowerPoint templates (*.pptx *.potx)</source>
      <translation>PowerPoint 模板 (*.pptx *.potx)</translation>
    </message>
    <message>
      <source>Nothing to build: generate or open an outline first.</source>
      <translation>没有可生成的内容：请先生成或打开大纲。</translation>
    </message>
    <message>
      <source>Save the deck</source>
      <translation>保存演示文稿</translation>
    </message>
    <message>
      <source>PowerPoint (*.pptx)</source>
      <translation>PowerPoint (*.pptx)</translation>
    </message>
    <message>
      <source>Building the deck</source>
      <translation>生成演示文稿</translation>
    </message>
    <message>
      <source>Building the deck…</source>
      <translation>正在生成演示文稿…</translation>
    </message>
    <message>
      <source>Saved %1 (%2 slides)</source>
      <translation>已保存 %1（%2 页）</translation>
    </message>
    <message numerus="yes">
      <source>— %n slide(s) added for overflowing text</source>
      <translation>
        <numerusform>——因文字溢出新增 %n 页</numerusform>
      </translation>
    </message>
    <message>
      <source>Open or build a deck first.</source>
      <translation>请先打开或生成演示文稿。</translation>
    </message>
    <message>
      <source>Reviewing %1</source>
      <translation>审阅 %1</translation>
    </message>
    <message>
      <source>Reviewing %1…</source>
      <translation>正在审阅 %1…</translation>
    </message>
    <message>
      <source>Review ready</source>
      <translation>审阅完成</translation>
    </message>
    <message>
      <source>Cancelled</source>
      <translation>已取消</translation>
    </message>
    <message>
      <source>None</source>
      <translation>不使用</translation>
    </message>
  </context>
  <context>
    <name>PromptsWorkspace</name>
    <message>
      <source>Prompts</source>
      <translation>提示词</translation>
    </message>
    <message>
      <source>Search name, id, tag…</source>
      <translation>搜索名称、标识、标签…</translation>
    </message>
    <message>
      <source>New…</source>
      <translation>新建…</translation>
    </message>
    <message>
      <source>Import…</source>
      <translation>导入…</translation>
    </message>
    <message>
      <source>Export…</source>
      <translation>导出…</translation>
    </message>
    <message>
      <source>Form</source>
      <translation>表单</translation>
    </message>
    <message>
      <source>Raw</source>
      <translation>源文本</translation>
    </message>
    <message>
      <source>Preview</source>
      <translation>预览</translation>
    </message>
    <message>
      <source>History</source>
      <translation>历史</translation>
    </message>
    <message>
      <source>Tests</source>
      <translation>测试</translation>
    </message>
    <message>
      <source>Language:</source>
      <translation>语言：</translation>
    </message>
    <message>
      <source>Run</source>
      <translation>运行</translation>
    </message>
    <message>
      <source>Send the rendered messages to the model (Ctrl+Enter)</source>
      <translation>把渲染后的消息发给模型（Ctrl+Enter）</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>The model's reply appears here</source>
      <translation>模型的回复显示在这里</translation>
    </message>
    <message>
      <source>Revert to This Version</source>
      <translation>恢复到此版本</translation>
    </message>
    <message>
      <source>Run the Template's Tests</source>
      <translation>运行模板自带的测试</translation>
    </message>
    <message>
      <source>Save</source>
      <translation>保存</translation>
    </message>
    <message>
      <source>All categories</source>
      <translation>全部分类</translation>
    </message>
    <message>
      <source>Any language</source>
      <translation>任意语言</translation>
    </message>
    <message>
      <source>Choose a template, or create one with New…</source>
      <translation>选择一个模板，或点击“新建…”创建</translation>
    </message>
    <message>
      <source>your copy</source>
      <translation>您的副本</translation>
    </message>
    <message>
      <source>built-in</source>
      <translation>内置</translation>
    </message>
    <message>
      <source>Loading the library</source>
      <translation>加载提示词库</translation>
    </message>
    <message>
      <source>≈ %1 tokens</source>
      <translation>≈ %1 个 token</translation>
    </message>
    <message>
      <source>Choose a template first</source>
      <translation>请先选择模板</translation>
    </message>
    <message>
      <source>Running the template</source>
      <translation>运行模板</translation>
    </message>
    <message>
      <source>Reply received</source>
      <translation>已收到回复</translation>
    </message>
    <message>
      <source>Cancelled</source>
      <translation>已取消</translation>
    </message>
    <message>
      <source>Running…</source>
      <translation>正在运行…</translation>
    </message>
    <message>
      <source>Testing the template</source>
      <translation>测试模板</translation>
    </message>
    <message>
      <source>%1 of %2</source>
      <translation>%1 / %2</translation>
    </message>
    <message>
      <source>%1 of %2 passed</source>
      <translation>%2 项中通过 %1 项</translation>
    </message>
    <message>
      <source>This template has no tests</source>
      <translation>这个模板没有测试</translation>
    </message>
    <message>
      <source>Saved %1 as a new version</source>
      <translation>已将 %1 保存为新版本</translation>
    </message>
    <message>
      <source>Version %1 · %2</source>
      <translation>版本 %1 · %2</translation>
    </message>
    <message>
      <source>(same as the current text)</source>
      <translation>（与当前文本相同）</translation>
    </message>
    <message>
      <source>Reverted to version %1 (saved as a new version)</source>
      <translation>已恢复到版本 %1（另存为新版本）</translation>
    </message>
    <message>
      <source>New Template</source>
      <translation>新建模板</translation>
    </message>
    <message>
      <source>Id (category.name, lowercase), e.g. mail.reply_polite:</source>
      <translation>标识（分类.名称，小写），例如 mail.reply_polite：</translation>
    </message>
    <message>
      <source>Import Prompts</source>
      <translation>导入提示词</translation>
    </message>
    <message>
      <source>Prompt collections (*.md *.prompty *.csv *.json *.zip);;All files (*)</source>
      <translation>提示词集合 (*.md *.prompty *.csv *.json *.zip);;所有文件 (*)</translation>
    </message>
    <message>
      <source>Imported %1 template(s), skipped %2.</source>
      <translation>已导入 %1 个模板，跳过 %2 个。</translation>
    </message>
    <message>
      <source>Import</source>
      <translation>导入</translation>
    </message>
    <message>
      <source>Choose a template to export</source>
      <translation>请选择要导出的模板</translation>
    </message>
    <message>
      <source>Export Template</source>
      <translation>导出模板</translation>
    </message>
    <message>
      <source>Zip archive (*.zip)</source>
      <translation>Zip 压缩包 (*.zip)</translation>
    </message>
    <message>
      <source>Export</source>
      <translation>导出</translation>
    </message>
    <message>
      <source>Exported %1 template(s) to %2</source>
      <translation>已导出 %1 个模板到 %2</translation>
    </message>
  </context>
  <context>
    <name>QuickService</name>
    <message>
      <source>unexpected error: {0}</source>
      <translation>意外错误：{0}</translation>
    </message>
    <message>
      <source>Cancelled</source>
      <translation>已取消</translation>
    </message>
    <message>
      <source>Copied — paste it yourself: Desk Copilot does not type into terminals or an unknown window</source>
      <translation>已复制——请自行粘贴：Desk Copilot 不会向终端或未知窗口输入</translation>
    </message>
  </context>
  <context>
    <name>QuickWindow</name>
    <message>
      <source>Type to filter templates, Enter to run, Esc to close</source>
      <translation>输入以筛选模板，回车运行，Esc 关闭</translation>
    </message>
    <message>
      <source>Selected text (you can edit it)</source>
      <translation>选中的文字（可编辑）</translation>
    </message>
    <message>
      <source>Replace</source>
      <translation>替换</translation>
    </message>
    <message>
      <source>Copy</source>
      <translation>复制</translation>
    </message>
    <message>
      <source>Insert below</source>
      <translation>在下方插入</translation>
    </message>
    <message>
      <source>Open in app</source>
      <translation>在应用中打开</translation>
    </message>
    <message>
      <source>Running {0}… (Esc cancels)</source>
      <translation>正在运行 {0}…（Esc 取消）</translation>
    </message>
    <message>
      <source>Enter: Replace · Tab: other actions · Esc: close</source>
      <translation>回车：替换 · Tab：其他操作 · Esc：关闭</translation>
    </message>
  </context>
  <context>
    <name>ReviewModel</name>
    <message>
      <source>#</source>
      <translation>#</translation>
    </message>
    <message>
      <source>Original</source>
      <translation>原文</translation>
    </message>
    <message>
      <source>Rewrite</source>
      <translation>改写</translation>
    </message>
    <message>
      <source>Decision</source>
      <translation>决定</translation>
    </message>
    <message>
      <source>✓ Accept</source>
      <translation>✓ 接受</translation>
    </message>
    <message>
      <source>✗ Reject</source>
      <translation>✗ 拒绝</translation>
    </message>
    <message>
      <source>unchanged</source>
      <translation>未改动</translation>
    </message>
    <message>
      <source>kept (guard)</source>
      <translation>保留（守卫）</translation>
    </message>
    <message>
      <source>skipped</source>
      <translation>已跳过</translation>
    </message>
  </context>
  <context>
    <name>SettingsDialog</name>
    <message>
      <source>Settings</source>
      <translation>设置</translation>
    </message>
    <message>
      <source>General</source>
      <translation>常规</translation>
    </message>
    <message>
      <source>Model Profiles</source>
      <translation>模型配置</translation>
    </message>
    <message>
      <source>Add…</source>
      <translation>添加…</translation>
    </message>
    <message>
      <source>Remove</source>
      <translation>删除</translation>
    </message>
    <message>
      <source>Use as Default</source>
      <translation>设为默认</translation>
    </message>
    <message>
      <source>Preset</source>
      <translation>预设</translation>
    </message>
    <message>
      <source>Base URL</source>
      <translation>接口地址</translation>
    </message>
    <message>
      <source>Model</source>
      <translation>模型</translation>
    </message>
    <message>
      <source>API key</source>
      <translation>API 密钥</translation>
    </message>
    <message>
      <source>Concurrency</source>
      <translation>并发数</translation>
    </message>
    <message>
      <source>Connection</source>
      <translation>连接</translation>
    </message>
    <message>
      <source>Fetch Models</source>
      <translation>获取模型列表</translation>
    </message>
    <message>
      <source>Test Connection</source>
      <translation>测试连接</translation>
    </message>
    <message>
      <source>leave empty to keep the stored key</source>
      <translation>留空则保留已保存的密钥</translation>
    </message>
    <message>
      <source>Language</source>
      <translation>语言</translation>
    </message>
    <message>
      <source>Theme</source>
      <translation>主题</translation>
    </message>
    <message>
      <source>Author of tracked changes</source>
      <translation>修订作者</translation>
    </message>
    <message>
      <source>Default profile</source>
      <translation>默认配置</translation>
    </message>
    <message>
      <source>Word profile</source>
      <translation>Word 使用的配置</translation>
    </message>
    <message>
      <source>Excel profile</source>
      <translation>Excel 使用的配置</translation>
    </message>
    <message>
      <source>PowerPoint profile</source>
      <translation>PowerPoint 使用的配置</translation>
    </message>
    <message>
      <source>Code profile</source>
      <translation>代码使用的配置</translation>
    </message>
    <message>
      <source>Prompts profile</source>
      <translation>提示词使用的配置</translation>
    </message>
    <message>
      <source>Global hotkey</source>
      <translation>全局快捷键</translation>
    </message>
    <message>
      <source>Keep running in the tray when the window is closed</source>
      <translation>关闭窗口后继续在系统托盘中运行</translation>
    </message>
    <message>
      <source>Start Desk Copilot when I log in</source>
      <translation>登录时启动桌面助手</translation>
    </message>
    <message>
      <source>Follow the system</source>
      <translation>跟随系统</translation>
    </message>
    <message>
      <source>Light</source>
      <translation>浅色</translation>
    </message>
    <message>
      <source>Dark</source>
      <translation>深色</translation>
    </message>
    <message>
      <source>(default profile)</source>
      <translation>（默认配置）</translation>
    </message>
    <message>
      <source>(custom)</source>
      <translation>（自定义）</translation>
    </message>
    <message>
      <source>Profile: %1</source>
      <translation>配置：%1</translation>
    </message>
    <message>
      <source>The embedded model runs on this computer and needs no key.</source>
      <translation>内置模型在本机运行，无需密钥。</translation>
    </message>
    <message>
      <source>No keyring is available (%1): keys cannot be stored. Set the environment variable %2 instead.</source>
      <translation>没有可用的密钥环（%1）：无法保存密钥。请改为设置环境变量 %2。</translation>
    </message>
    <message>
      <source>Stored in the system keyring, never in a file.</source>
      <translation>保存在系统密钥环中，绝不写入文件。</translation>
    </message>
    <message>
      <source>Add Profile</source>
      <translation>添加配置</translation>
    </message>
    <message>
      <source>Profile name:</source>
      <translation>配置名称：</translation>
    </message>
    <message>
      <source>Not sent: the key would cross the network unencrypted.</source>
      <translation>未发送：密钥将以未加密方式在网络上传输。</translation>
    </message>
    <message>
      <source>Unencrypted connection</source>
      <translation>未加密的连接</translation>
    </message>
    <message>
      <source>%1 uses plain http:// to another computer: the API key would be sent unencrypted and anyone on the network could read it. Send it anyway?</source>
      <translation>%1 使用明文 http:// 连接另一台计算机：API 密钥将以未加密方式发送，网络上的任何人都能读取。仍要发送吗？</translation>
    </message>
    <message>
      <source>Fetching models…</source>
      <translation>正在获取模型列表…</translation>
    </message>
    <message>
      <source>%1 models available</source>
      <translation>共 %1 个模型</translation>
    </message>
    <message>
      <source>Testing…</source>
      <translation>正在测试…</translation>
    </message>
    <message>
      <source>✓ Connected — %1 ms; structured replies: %2</source>
      <translation>✓ 已连接——%1 毫秒；结构化回复：%2</translation>
    </message>
    <message>
      <source>The hotkey %1 cannot be used; %2 is kept.</source>
      <translation>无法使用快捷键 %1，仍保留 %2。</translation>
    </message>
    <message>
      <source>The key of profile %1 was stored for another server; it is not sent to %2 — enter it again.</source>
      <translation>配置 %1 的密钥是为另一台服务器保存的，不会发送到 %2——请重新输入。</translation>
    </message>
  </context>
  <context>
    <name>SlidePreview</name>
    <message>
      <source>Slide previews</source>
      <translation>幻灯片预览</translation>
    </message>
  </context>
  <context>
    <name>TemplateForm</name>
    <message>
      <source>Id</source>
      <translation>标识</translation>
    </message>
    <message>
      <source>Name (中文)</source>
      <translation>名称（中文）</translation>
    </message>
    <message>
      <source>Name (English)</source>
      <translation>名称（英文）</translation>
    </message>
    <message>
      <source>Description (中文)</source>
      <translation>说明（中文）</translation>
    </message>
    <message>
      <source>Description (English)</source>
      <translation>说明（英文）</translation>
    </message>
    <message>
      <source>Category</source>
      <translation>分类</translation>
    </message>
    <message>
      <source>Tags</source>
      <translation>标签</translation>
    </message>
    <message>
      <source>Version</source>
      <translation>版本</translation>
    </message>
    <message>
      <source>Applies to</source>
      <translation>适用于</translation>
    </message>
    <message>
      <source>Output</source>
      <translation>输出</translation>
    </message>
    <message>
      <source>Temperature</source>
      <translation>温度</translation>
    </message>
    <message>
      <source>Max tokens</source>
      <translation>最大 token 数</translation>
    </message>
    <message>
      <source>Favourite</source>
      <translation>收藏</translation>
    </message>
    <message>
      <source>Inputs</source>
      <translation>输入项</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>名称</translation>
    </message>
    <message>
      <source>Type</source>
      <translation>类型</translation>
    </message>
    <message>
      <source>Default</source>
      <translation>默认值</translation>
    </message>
    <message>
      <source>Description</source>
      <translation>说明</translation>
    </message>
    <message>
      <source>comma separated</source>
      <translation>用逗号分隔</translation>
    </message>
    <message>
      <source>default</source>
      <translation>默认</translation>
    </message>
  </context>
  <context>
    <name>TextResultDialog</name>
    <message>
      <source>Quick action result</source>
      <translation>快速操作结果</translation>
    </message>
    <message>
      <source>Template: %1</source>
      <translation>模板：%1</translation>
    </message>
    <message>
      <source>Result</source>
      <translation>结果</translation>
    </message>
    <message>
      <source>Original text</source>
      <translation>原文</translation>
    </message>
    <message>
      <source>Copy</source>
      <translation>复制</translation>
    </message>
  </context>
  <context>
    <name>TrayIcon</name>
    <message>
      <source>Open Desk Copilot</source>
      <translation>打开桌面助手</translation>
    </message>
    <message>
      <source>Quick action</source>
      <translation>快速操作</translation>
    </message>
    <message>
      <source>Favourite templates</source>
      <translation>收藏的模板</translation>
    </message>
    <message>
      <source>Pause hotkeys</source>
      <translation>暂停快捷键</translation>
    </message>
    <message>
      <source>Settings…</source>
      <translation>设置…</translation>
    </message>
    <message>
      <source>Quit</source>
      <translation>退出</translation>
    </message>
    <message>
      <source>Desk Copilot — {0} for a quick action</source>
      <translation>桌面助手——按 {0} 快速操作</translation>
    </message>
    <message>
      <source>(none — mark templates as favourites)</source>
      <translation>（无——请把模板标为收藏）</translation>
    </message>
  </context>
  <context>
    <name>WordWorkspace</name>
    <message>
      <source>Word</source>
      <translation>Word</translation>
    </message>
    <message>
      <source>Open…</source>
      <translation>打开…</translation>
    </message>
    <message>
      <source>Template:</source>
      <translation>模板：</translation>
    </message>
    <message>
      <source>Polish</source>
      <translation>润色</translation>
    </message>
    <message>
      <source>Polish every paragraph (Ctrl+Enter)</source>
      <translation>润色每个段落（Ctrl+Enter）</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>Ask about this document</source>
      <translation>就此文档提问</translation>
    </message>
    <message>
      <source>Questions answered from this document, with citations (Knowledge)</source>
      <translation>依据此文档回答问题并标注出处（知识库）</translation>
    </message>
    <message>
      <source>Stop (Esc); finished paragraphs are cached</source>
      <translation>停止（Esc）；已完成的段落会缓存</translation>
    </message>
    <message>
      <source>Original</source>
      <translation>原文</translation>
    </message>
    <message>
      <source>Rewrite</source>
      <translation>改写</translation>
    </message>
    <message>
      <source>Accept</source>
      <translation>接受</translation>
    </message>
    <message>
      <source>Accept the selected paragraphs (A)</source>
      <translation>接受所选段落（A）</translation>
    </message>
    <message>
      <source>Reject</source>
      <translation>拒绝</translation>
    </message>
    <message>
      <source>Reject the selected paragraphs (R)</source>
      <translation>拒绝所选段落（R）</translation>
    </message>
    <message>
      <source>Kept unchanged by the guards</source>
      <translation>守卫保留未改的段落</translation>
    </message>
    <message>
      <source>Accept All</source>
      <translation>全部接受</translation>
    </message>
    <message>
      <source>Reject All</source>
      <translation>全部拒绝</translation>
    </message>
    <message>
      <source>Save with Tracked Changes…</source>
      <translation>保存（带修订）…</translation>
    </message>
    <message>
      <source>Save Clean Copy…</source>
      <translation>保存无修订副本…</translation>
    </message>
    <message>
      <source>All paragraphs</source>
      <translation>全部段落</translation>
    </message>
    <message>
      <source>Changes only</source>
      <translation>仅修改</translation>
    </message>
    <message>
      <source>Kept by guards</source>
      <translation>守卫保留</translation>
    </message>
    <message>
      <source>Open a Word document (.docx) to polish it</source>
      <translation>打开一个 Word 文档（.docx）进行润色</translation>
    </message>
    <message>
      <source>%1 — %2 paragraphs</source>
      <translation>%1 — %2 个段落</translation>
    </message>
    <message>
      <source>%1 changed · %2 accepted · %3 rejected · %4 kept by guards</source>
      <translation>%1 处修改 · 接受 %2 · 拒绝 %3 · 守卫保留 %4</translation>
    </message>
    <message>
      <source>%v / %m paragraphs</source>
      <translation>%v / %m 段</translation>
    </message>
    <message>
      <source>Loading templates</source>
      <translation>加载模板</translation>
    </message>
    <message>
      <source>Open Word Document</source>
      <translation>打开 Word 文档</translation>
    </message>
    <message>
      <source>Word documents (*.docx)</source>
      <translation>Word 文档 (*.docx)</translation>
    </message>
    <message>
      <source>Reading %1</source>
      <translation>读取 %1</translation>
    </message>
    <message>
      <source>Reading %1…</source>
      <translation>正在读取 %1…</translation>
    </message>
    <message>
      <source>%1 paragraphs</source>
      <translation>%1 个段落</translation>
    </message>
    <message>
      <source>Starting…</source>
      <translation>正在开始…</translation>
    </message>
    <message>
      <source>estimating…</source>
      <translation>正在估算…</translation>
    </message>
    <message>
      <source>about %1 s left</source>
      <translation>约剩 %1 秒</translation>
    </message>
    <message>
      <source>about %1 min left</source>
      <translation>约剩 %1 分钟</translation>
    </message>
    <message>
      <source>done in %1 s</source>
      <translation>用时 %1 秒</translation>
    </message>
    <message>
      <source>¶%1: %2</source>
      <translation>第 %1 段：%2</translation>
    </message>
    <message>
      <source>Polished: %1 changed, %2 kept by guards</source>
      <translation>润色完成：修改 %1 段，守卫保留 %2 段</translation>
    </message>
    <message>
      <source>cancelled</source>
      <translation>已取消</translation>
    </message>
    <message>
      <source>Cancelled — finished paragraphs are cached; Polish again continues where it stopped</source>
      <translation>已取消——已完成的段落已缓存；再次润色会从中断处继续</translation>
    </message>
    <message>
      <source>Open a document first</source>
      <translation>请先打开文档</translation>
    </message>
    <message>
      <source>Nothing to save yet — polish the document first</source>
      <translation>还没有可保存的内容——请先润色文档</translation>
    </message>
    <message>
      <source>Save with Tracked Changes</source>
      <translation>保存（带修订）</translation>
    </message>
    <message>
      <source>Save Clean Copy</source>
      <translation>保存为无修订副本</translation>
    </message>
    <message>
      <source>Saving %1</source>
      <translation>保存 %1</translation>
    </message>
    <message>
      <source>Saved %1 (%2 changes)</source>
      <translation>已保存 %1（%2 处修改）</translation>
    </message>
  </context>
  <context>
    <name>tray</name>
    <message>
      <source>The quick-action result is on the clipboard</source>
      <translation>快速操作的结果已复制到剪贴板</translation>
    </message>
  </context>
</TS>