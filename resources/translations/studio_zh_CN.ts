<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AccuracyView</name>
    <message>
        <source>Accuracy plot</source>
        <translation>准确率曲线图</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Accuracy (%)</source>
        <translation>准确率 (%)</translation>
    </message>
    <message>
        <source>Training accuracy</source>
        <translation>训练准确率</translation>
    </message>
    <message>
        <source>Validation accuracy</source>
        <translation>验证准确率</translation>
    </message>
    <message>
        <source>Best epoch</source>
        <translation>最佳轮次</translation>
    </message>
    <message>
        <source>best {value:.1f} %</source>
        <translation>最佳 {value:.1f}%</translation>
    </message>
    <message>
        <source>Run {number} (validation)</source>
        <translation>运行 {number}（验证）</translation>
    </message>
</context>
<context>
    <name>ArchitectureModel</name>
    <message>
        <source>Own initialisation: {init}</source>
        <translation>自定义初始化：{init}</translation>
    </message>
</context>
<context>
    <name>BlockPalette</name>
    <message>
        <source>Block palette</source>
        <translation>模块面板</translation>
    </message>
    <message>
        <source>Convolution</source>
        <translation>卷积</translation>
    </message>
    <message>
        <source>Pooling</source>
        <translation>池化</translation>
    </message>
    <message>
        <source>Activation</source>
        <translation>激活函数</translation>
    </message>
    <message>
        <source>Linear</source>
        <translation>线性</translation>
    </message>
    <message>
        <source>Normalisation</source>
        <translation>归一化</translation>
    </message>
    <message>
        <source>Regularisation</source>
        <translation>正则化</translation>
    </message>
    <message>
        <source>Reshape</source>
        <translation>变形</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Pretrained</source>
        <translation>预训练</translation>
    </message>
</context>
<context>
    <name>ClassAccuracyView</name>
    <message>
        <source>Per-class accuracy plots</source>
        <translation>各类别准确率图</translation>
    </message>
    <message>
        <source>Validation accuracy per class</source>
        <translation>各类别的验证准确率</translation>
    </message>
    <message>
        <source>Accuracy (%)</source>
        <translation>准确率 (%)</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Per-class accuracy over epochs</source>
        <translation>各类别准确率随轮次的变化</translation>
    </message>
    <message>
        <source>Epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Validation accuracy per class, epoch {epoch} (dashed line: all classes, {value:.1f} %)</source>
        <translation>第 {epoch} 轮各类别的验证准确率（虚线：全部类别，{value:.1f}%）</translation>
    </message>
</context>
<context>
    <name>CodePanel</name>
    <message>
        <source>Code to show</source>
        <translation>显示的代码</translation>
    </message>
    <message>
        <source>Model definition</source>
        <translation>模型定义</translation>
    </message>
    <message>
        <source>Full training script</source>
        <translation>完整训练脚本</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the code to the clipboard</source>
        <translation>将代码复制到剪贴板</translation>
    </message>
    <message>
        <source>Generated code</source>
        <translation>生成的代码</translation>
    </message>
    <message>
        <source>Copied to the clipboard.</source>
        <translation>已复制到剪贴板。</translation>
    </message>
</context>
<context>
    <name>ConfusionView</name>
    <message>
        <source>Confusion matrix</source>
        <translation>混淆矩阵</translation>
    </message>
    <message>
        <source>True class</source>
        <translation>真实类别</translation>
    </message>
    <message>
        <source>Predicted class</source>
        <translation>预测类别</translation>
    </message>
    <message>
        <source>Show percentages of each true class</source>
        <translation>显示占各真实类别的百分比</translation>
    </message>
    <message>
        <source>Click a cell to see its validation images.</source>
        <translation>点击单元格可查看其中的验证图像。</translation>
    </message>
    <message>
        <source>Confusion matrix cell under the pointer</source>
        <translation>指针下的混淆矩阵单元格</translation>
    </message>
    <message>
        <source>Confusion matrix, epoch {epoch}</source>
        <translation>混淆矩阵，第 {epoch} 轮</translation>
    </message>
    <message>
        <source>True {true}, predicted {predicted}: {count} images ({share:.1f} % of {true}). Click to see them.</source>
        <translation>真实 {true}，预测 {predicted}：{count} 张图像（占 {true} 的 {share:.1f}%）。点击查看。</translation>
    </message>
    <message>
        <source>True {true}, predicted {predicted}</source>
        <translation>真实 {true}，预测 {predicted}</translation>
    </message>
    <message>
        <source>The validation images are not loaded yet.</source>
        <translation>验证图像尚未加载。</translation>
    </message>
    <message>
        <source>No validation image of {true} was predicted as {predicted}.</source>
        <translation>没有 {true} 的验证图像被预测为 {predicted}。</translation>
    </message>
    <message>
        <source>{count} images of {true} were predicted as {predicted}; the first {shown} are shown.</source>
        <translation>{true} 有 {count} 张图像被预测为 {predicted}，这里显示前 {shown} 张。</translation>
    </message>
    <message>
        <source>{count} images of {true} were predicted as {predicted}.</source>
        <translation>{true} 有 {count} 张图像被预测为 {predicted}。</translation>
    </message>
    <message>
        <source>The model has changed since this matrix was made; the images listed are those the current model puts in this cell.</source>
        <translation>生成此矩阵之后模型已经改变；这里列出的是当前模型归入此单元格的图像。</translation>
    </message>
    <message>
        <source>Validation image {index}</source>
        <translation>验证图像 {index}</translation>
    </message>
</context>
<context>
    <name>DatasetPreviewWidget</name>
    <message>
        <source>Reading the dataset…</source>
        <translation>正在读取数据集…</translation>
    </message>
    <message>
        <source>{count} classes: {names}</source>
        <translation>{count} 个类别：{names}</translation>
    </message>
    <message>
        <source>· {count} images</source>
        <translation>· 共 {count} 张图像</translation>
    </message>
    <message>
        <source>(downloaded on first use)</source>
        <translation>（首次使用时下载）</translation>
    </message>
</context>
<context>
    <name>DrawCanvas</name>
    <message>
        <source>Drawing area: draw a digit with the mouse</source>
        <translation>绘图区：用鼠标写一个数字</translation>
    </message>
    <message>
        <source>Draw a digit with the mouse, large and centred.</source>
        <translation>用鼠标写一个数字，写大一些并居中。</translation>
    </message>
</context>
<context>
    <name>FeatureMapView</name>
    <message>
        <source>Layer to show</source>
        <translation>要显示的层</translation>
    </message>
    <message>
        <source>Validation image to probe</source>
        <translation>用于探测的验证图像</translation>
    </message>
    <message>
        <source>One colour scale for all channels</source>
        <translation>所有通道使用同一色标</translation>
    </message>
    <message>
        <source>Layer:</source>
        <translation>层：</translation>
    </message>
    <message>
        <source>Validation image:</source>
        <translation>验证图像：</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Probe image</source>
        <translation>探测图像</translation>
    </message>
    <message>
        <source>Feature maps of the chosen layer</source>
        <translation>所选层的特征图</translation>
    </message>
    <message>
        <source>Activation</source>
        <translation>激活值</translation>
    </message>
    <message>
        <source>Feature</source>
        <translation>特征</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>The feature maps appear during training.</source>
        <translation>训练时会显示特征图。</translation>
    </message>
    <message>
        <source>Feature map description</source>
        <translation>特征图说明</translation>
    </message>
    <message>
        <source>Waiting for the feature maps of validation image #{index}…</source>
        <translation>正在等待验证图像 #{index} 的特征图…</translation>
    </message>
    <message>
        <source>class {name}</source>
        <translation>类别 {name}</translation>
    </message>
    <message>
        <source>Layer {index} · {shape}</source>
        <translation>第 {index} 层 · {shape}</translation>
    </message>
    <message>
        <source>epoch {epoch}, step {step}</source>
        <translation>第 {epoch} 轮第 {step} 步</translation>
    </message>
    <message>
        <source>the trained model</source>
        <translation>训练好的模型</translation>
    </message>
    <message>
        <source>{label}: {count} values, one bar each ({where}).</source>
        <translation>{label}：{count} 个值，每个值一根柱（{where}）。</translation>
    </message>
    <message>
        <source>{label}: {count} channels, one tile each, coloured {scale} ({where}).</source>
        <translation>{label}：{count} 个通道，每个通道一个小图，着色方式：{scale}（{where}）。</translation>
    </message>
    <message>
        <source>{label}: {count} channels along {length} positions, one line each ({where}).</source>
        <translation>{label}：{count} 个通道，每个通道沿 {length} 个位置画一条线（{where}）。</translation>
    </message>
    <message>
        <source>Your own image, from the Predictions tab.</source>
        <translation>你自己的图像（来自“预测”标签页）。</translation>
    </message>
    <message>
        <source>Validation image #{index}.</source>
        <translation>验证图像 #{index}。</translation>
    </message>
    <message>
        <source>all on one scale</source>
        <translation>全部使用同一色标</translation>
    </message>
    <message>
        <source>each tile from its own lowest (dark) to highest (yellow) value</source>
        <translation>每个小图按自身的最小值（深色）到最大值（黄色）着色</translation>
    </message>
    <message>
        <source>Channel {channel}: lowest {low:.3g}, highest {high:.3g}</source>
        <translation>通道 {channel}：最小 {low:.3g}，最大 {high:.3g}</translation>
    </message>
</context>
<context>
    <name>FreezeAction</name>
    <message>
        <source>&amp;Freeze layer</source>
        <translation>冻结层(&amp;F)</translation>
    </message>
    <message>
        <source>Keep the selected layer&apos;s weights while training</source>
        <translation>训练时保持所选层的权重不变</translation>
    </message>
</context>
<context>
    <name>FreezeToggle</name>
    <message>
        <source>Frozen: these weights do not train. Click to unfreeze.</source>
        <translation>已冻结：这些权重不参与训练。点击解冻。</translation>
    </message>
    <message>
        <source>Unfreeze layer {index}</source>
        <translation>解冻第 {index} 层</translation>
    </message>
    <message>
        <source>Click to freeze: keep these weights while training.</source>
        <translation>点击冻结：训练时保持这些权重不变。</translation>
    </message>
    <message>
        <source>Freeze layer {index}</source>
        <translation>冻结第 {index} 层</translation>
    </message>
</context>
<context>
    <name>Freezing</name>
    <message>
        <source>frozen, last stage trains</source>
        <translation>已冻结，最后 1 个阶段参与训练</translation>
    </message>
    <message>
        <source>frozen, last {n} stages train</source>
        <translation>已冻结，最后 {n} 个阶段参与训练</translation>
    </message>
    <message>
        <source>frozen</source>
        <translation>已冻结</translation>
    </message>
</context>
<context>
    <name>ImageGridDialog</name>
    <message>
        <source>Images of this cell</source>
        <translation>此单元格中的图像</translation>
    </message>
</context>
<context>
    <name>InitEditor</name>
    <message>
        <source>Initialisation</source>
        <translation>初始化</translation>
    </message>
    <message>
        <source>How this layer&apos;s weights and bias start before training. Default follows the project&apos;s Weight init and Bias init settings.</source>
        <translation>训练前该层权重和偏置的初始值。“默认”遵循项目的“权重初始化”和“偏置初始化”设置。</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Bias</source>
        <translation>偏置</translation>
    </message>
    <message>
        <source>{part} initialisation</source>
        <translation>{part}初始化</translation>
    </message>
    <message>
        <source>This layer has no bias (its bias box is off).</source>
        <translation>该层没有偏置（其 bias 复选框未勾选）。</translation>
    </message>
</context>
<context>
    <name>LayerCardDelegate</name>
    <message>
        <source>{count} params</source>
        <translation>{count} 个参数</translation>
    </message>
    <message>
        <source>init</source>
        <translation>初始化</translation>
    </message>
</context>
<context>
    <name>LayerStackView</name>
    <message>
        <source>Layer stack</source>
        <translation>层列表</translation>
    </message>
    <message>
        <source>Drag a block here, or double-click one.</source>
        <translation>把模块拖到这里，或双击一个模块。</translation>
    </message>
</context>
<context>
    <name>LossView</name>
    <message>
        <source>Loss plot</source>
        <translation>损失曲线图</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Training step (batches)</source>
        <translation>训练步数（批次）</translation>
    </message>
    <message>
        <source>Epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Training loss (each step)</source>
        <translation>训练损失（每一步）</translation>
    </message>
    <message>
        <source>Training loss (smoothed)</source>
        <translation>训练损失（平滑）</translation>
    </message>
    <message>
        <source>Validation loss (each epoch)</source>
        <translation>验证损失（每轮）</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Logarithmic loss axis</source>
        <translation>损失轴使用对数刻度</translation>
    </message>
    <message>
        <source>Run {number} (smoothed loss)</source>
        <translation>运行 {number}（平滑损失）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Blocks</source>
        <translation>模块</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Training is running: the network is locked until it stops.</source>
        <translation>正在训练：训练停止之前网络处于锁定状态。</translation>
    </message>
    <message>
        <source>&amp;Network</source>
        <translation>网络(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Code</source>
        <translation>代码(&amp;C)</translation>
    </message>
    <message>
        <source>Training &amp;views</source>
        <translation>训练视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;New</source>
        <translation>新建(&amp;N)</translation>
    </message>
    <message>
        <source>Blank network</source>
        <translation>空白网络</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save &amp;as…</source>
        <translation>另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Import PyTorch code…</source>
        <translation>导入 PyTorch 代码(&amp;I)…</translation>
    </message>
    <message>
        <source>Import &amp;pasted code…</source>
        <translation>导入粘贴的代码(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Export Python script…</source>
        <translation>导出 Python 脚本(&amp;E)…</translation>
    </message>
    <message>
        <source>Export trained &amp;model…</source>
        <translation>导出训练好的模型(&amp;M)…</translation>
    </message>
    <message>
        <source>Export as &amp;ONNX…</source>
        <translation>导出为 &amp;ONNX…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Duplicate layer</source>
        <translation>复制层(&amp;D)</translation>
    </message>
    <message>
        <source>Move layer &amp;up</source>
        <translation>上移层(&amp;U)</translation>
    </message>
    <message>
        <source>Move layer do&amp;wn</source>
        <translation>下移层(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Remove layer</source>
        <translation>删除层(&amp;R)</translation>
    </message>
    <message>
        <source>Apply &amp;fix</source>
        <translation>应用修复(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>训练(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Pause / resume</source>
        <translation>暂停/继续(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>停止(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Sequential Studio</source>
        <translation>关于 Sequential Studio(&amp;A)</translation>
    </message>
    <message>
        <source>{shape} · {params} parameters</source>
        <translation>{shape} · {params} 个参数</translation>
    </message>
    <message>
        <source>{name} has unsaved changes. Save them first?</source>
        <translation>{name} 有未保存的更改。要先保存吗？</translation>
    </message>
    <message>
        <source>{name} already exists. Replace it?</source>
        <translation>{name} 已存在。要替换它吗？</translation>
    </message>
    <message>
        <source>Export as ONNX</source>
        <translation>导出为 ONNX</translation>
    </message>
    <message>
        <source>ONNX models (*.onnx)</source>
        <translation>ONNX 模型 (*.onnx)</translation>
    </message>
    <message>
        <source>Sequential Studio {version}
Build, train and export PyTorch nn.Sequential networks.
The bundled MNIST sample is from the MNIST database (LeCun, Cortes, Burges), CC BY-SA 3.0.</source>
        <translation>Sequential Studio {version}
搭建、训练并导出 PyTorch nn.Sequential 网络。
内置的 MNIST 样本取自 MNIST 数据库（LeCun、Cortes、Burges），采用 CC BY-SA 3.0 许可。</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <source>Replace file</source>
        <translation>替换文件</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <source>Open project or model</source>
        <translation>打开项目或模型</translation>
    </message>
    <message>
        <source>Sequential Studio files (*.json *.pt);;Projects (*.json);;Models (*.pt)</source>
        <translation>Sequential Studio 文件 (*.json *.pt);;项目 (*.json);;模型 (*.pt)</translation>
    </message>
    <message>
        <source>Save project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <source>Projects (*.json)</source>
        <translation>项目 (*.json)</translation>
    </message>
    <message>
        <source>Import PyTorch code</source>
        <translation>导入 PyTorch 代码</translation>
    </message>
    <message>
        <source>Python files (*.py)</source>
        <translation>Python 文件 (*.py)</translation>
    </message>
    <message>
        <source>Export Python script</source>
        <translation>导出 Python 脚本</translation>
    </message>
    <message>
        <source>There is no trained model yet. Train the network first.</source>
        <translation>还没有训练好的模型。请先训练网络。</translation>
    </message>
    <message>
        <source>Export trained model</source>
        <translation>导出训练好的模型</translation>
    </message>
    <message>
        <source>Models (*.pt)</source>
        <translation>模型 (*.pt)</translation>
    </message>
    <message>
        <source>Sequential Studio</source>
        <translation>Sequential Studio</translation>
    </message>
    <message>
        <source>About Sequential Studio</source>
        <translation>关于 Sequential Studio</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The new language applies when Sequential Studio is restarted.</source>
        <translation>新的语言将在重新启动 Sequential Studio 后生效。</translation>
    </message>
</context>
<context>
    <name>PredictionView</name>
    <message>
        <source>Validation images with their predictions</source>
        <translation>验证图像及其预测</translation>
    </message>
    <message>
        <source>Predictions appear after the first epoch.</source>
        <translation>第一轮结束后会显示预测结果。</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Refresh the predictions</source>
        <translation>刷新预测</translation>
    </message>
    <message>
        <source>Validation images, mistakes first</source>
        <translation>验证图像（预测错误的排在前面）</translation>
    </message>
    <message>
        <source>Open image…</source>
        <translation>打开图像…</translation>
    </message>
    <message>
        <source>Open an image file to classify</source>
        <translation>打开要分类的图像文件</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Clear the drawing</source>
        <translation>清除所画内容</translation>
    </message>
    <message>
        <source>What the network sees</source>
        <translation>网络看到的图像</translation>
    </message>
    <message>
        <source>Prediction for your image</source>
        <translation>对你的图像的预测</translation>
    </message>
    <message>
        <source>Class probabilities of your image</source>
        <translation>你的图像属于各类别的概率</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Probability (%)</source>
        <translation>概率 (%)</translation>
    </message>
    <message>
        <source>Try your own image</source>
        <translation>试试你自己的图像</translation>
    </message>
    <message>
        <source>The network sees:</source>
        <translation>网络看到的是：</translation>
    </message>
    <message>
        <source>The class probabilities of your image appear here.</source>
        <translation>你的图像属于各类别的概率会显示在这里。</translation>
    </message>
    <message>
        <source>A model file has no validation images; training adds them.</source>
        <translation>模型文件不含验证图像；训练后会显示在这里。</translation>
    </message>
    <message>
        <source>The validation images are not loaded yet.</source>
        <translation>验证图像尚未加载。</translation>
    </message>
    <message>
        <source>said: {predicted}
true: {true}</source>
        <translation>预测：{predicted}
真实：{true}</translation>
    </message>
    <message>
        <source>Validation image #{index}: predicted {predicted}, true {true}</source>
        <translation>验证图像 #{index}：预测为 {predicted}，真实为 {true}</translation>
    </message>
    <message>
        <source> ({percent:.0f} % sure)</source>
        <translation>（置信度 {percent:.0f}%）</translation>
    </message>
    <message>
        <source>{wrong} of {total} validation images are misclassified.</source>
        <translation>{total} 张验证图像中有 {wrong} 张分类错误。</translation>
    </message>
    <message>
        <source>{wrong} of {total} validation images are misclassified after epoch {epoch}.</source>
        <translation>第 {epoch} 轮后，{total} 张验证图像中有 {wrong} 张分类错误。</translation>
    </message>
    <message>
        <source>Load a dataset to try your own images.</source>
        <translation>加载数据集后即可试用你自己的图像。</translation>
    </message>
    <message>
        <source>Draw a digit below, or open or drop an image file here, to see what the current model thinks it is.</source>
        <translation>在下方写一个数字，或在此打开或拖入图像文件，看看当前模型认为它是什么。</translation>
    </message>
    <message>
        <source>Open or drop an image file here to see what the current model thinks it is.</source>
        <translation>在此打开或拖入图像文件，看看当前模型认为它是什么。</translation>
    </message>
    <message>
        <source>The colours were inverted to match the training images (light on dark).</source>
        <translation>已反转颜色以与训练图像一致（深色背景上的浅色图案）。</translation>
    </message>
    <message>
        <source>Converted: {conversion}.</source>
        <translation>已转换：{conversion}。</translation>
    </message>
    <message>
        <source>Train the model (or open a model file) to see its guess.</source>
        <translation>训练模型（或打开模型文件）后即可看到它的判断。</translation>
    </message>
    <message>
        <source>The model says {name} ({percent:.1f} % sure).</source>
        <translation>模型认为是 {name}（置信度 {percent:.1f}%）。</translation>
    </message>
    <message>
        <source>Next: {others}.</source>
        <translation>其次：{others}。</translation>
    </message>
    <message>
        <source>Open an image</source>
        <translation>打开图像</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp);;All files (*)</source>
        <translation>图像 (*.png *.jpg *.jpeg *.bmp *.gif *.webp);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>ProjectDocument</name>
    <message>
        <source>Add {block}</source>
        <translation>添加 {block}</translation>
    </message>
    <message>
        <source>Remove {block}</source>
        <translation>删除 {block}</translation>
    </message>
    <message>
        <source>Duplicate {block}</source>
        <translation>复制 {block}</translation>
    </message>
    <message>
        <source>Move {block}</source>
        <translation>移动 {block}</translation>
    </message>
    <message>
        <source>Change {name}</source>
        <translation>更改{name}</translation>
    </message>
    <message>
        <source>Freeze {block}</source>
        <translation>冻结 {block}</translation>
    </message>
    <message>
        <source>Unfreeze {block}</source>
        <translation>解冻 {block}</translation>
    </message>
    <message>
        <source>Change initialisation of {block}</source>
        <translation>更改 {block} 的初始化</translation>
    </message>
    <message>
        <source>Change input shape</source>
        <translation>更改输入形状</translation>
    </message>
    <message>
        <source>Fix: {fix}</source>
        <translation>修复：{fix}</translation>
    </message>
</context>
<context>
    <name>ProjectFiles</name>
    <message>
        <source>Restored {name} with its dataset and training settings.</source>
        <translation>已恢复 {name} 及其数据集和训练设置。</translation>
    </message>
    <message>
        <source>The weights traced from the file are kept: training starts from them, and saving the project writes them beside it.</source>
        <translation>从文件中追踪到的权重已保留：训练将从这些权重开始，保存项目时会把它们写在项目旁边。</translation>
    </message>
    <message>
        <source>Wrote {path}; onnxruntime gives the same outputs as PyTorch (within {diff}).</source>
        <translation>已写入 {path}；onnxruntime 的输出与 PyTorch 相同（误差在 {diff} 以内）。</translation>
    </message>
    <message>
        <source>Wrote {path}, but onnxruntime differs from PyTorch by up to {diff}; check the file before using it.</source>
        <translation>已写入 {path}，但 onnxruntime 与 PyTorch 的输出最多相差 {diff}；使用前请检查该文件。</translation>
    </message>
    <message>
        <source>Wrote {path}</source>
        <translation>已写入 {path}</translation>
    </message>
</context>
<context>
    <name>PropertyEditor</name>
    <message>
        <source>Layer properties</source>
        <translation>层属性</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Input shape</source>
        <translation>输入形状</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Select a layer to edit its parameters.</source>
        <translation>选择一个层以编辑其参数。</translation>
    </message>
    <message>
        <source>Frozen: the weights do not train</source>
        <translation>冻结：权重不参与训练</translation>
    </message>
    <message>
        <source>Layer {index}: {block}</source>
        <translation>第 {index} 层：{block}</translation>
    </message>
    <message>
        <source>? (the input {shape} is not flat)</source>
        <translation>?（输入 {shape} 不是一维的）</translation>
    </message>
    <message>
        <source>A Flatten before this layer would give it {count} features.</source>
        <translation>在这一层前加一个 Flatten，它将得到 {count} 个特征。</translation>
    </message>
    <message>
        <source>Output {shape}, {params} parameters</source>
        <translation>输出 {shape}，{params} 个参数</translation>
    </message>
    <message>
        <source>Inferred from the layer before; not editable.</source>
        <translation>由前一层推断得出，不可编辑。</translation>
    </message>
    <message>
        <source>Channels,height,width of one sample (like 1,28,28), channels,length of a signal (like 1,784), or a feature count (like 784).</source>
        <translation>单个样本的“通道,高,宽”（如 1,28,28）、信号的“通道,长度”（如 1,784），或特征数量（如 784）。</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>default</source>
        <translation>默认</translation>
    </message>
</context>
<context>
    <name>RegressionCurvesView</name>
    <message>
        <source>Regression metrics plot</source>
        <translation>回归指标图</translation>
    </message>
    <message>
        <source>Mean absolute error</source>
        <translation>平均绝对误差</translation>
    </message>
    <message>
        <source>MAE</source>
        <translation>MAE</translation>
    </message>
    <message>
        <source>Epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Validation MAE</source>
        <translation>验证 MAE</translation>
    </message>
    <message>
        <source>Best epoch (lowest validation loss)</source>
        <translation>最佳轮次（验证损失最低）</translation>
    </message>
    <message>
        <source>R²</source>
        <translation>R²</translation>
    </message>
    <message>
        <source>Validation R²</source>
        <translation>验证 R²</translation>
    </message>
    <message>
        <source>R² {value:.3f}</source>
        <translation>R² {value:.3f}</translation>
    </message>
    <message>
        <source>Run {number} (validation)</source>
        <translation>运行 {number}（验证）</translation>
    </message>
</context>
<context>
    <name>RegressionStatus</name>
    <message>
        <source>validation loss {loss} · MAE {mae} · R² {r2}</source>
        <translation>验证损失 {loss} · MAE {mae} · R² {r2}</translation>
    </message>
    <message>
        <source>Epoch {epoch}: validation loss {loss}, MAE {mae}, R² {r2}</source>
        <translation>第 {epoch} 轮：验证损失 {loss}，MAE {mae}，R² {r2}</translation>
    </message>
    <message>
        <source>Lowest validation loss: {loss} at epoch {epoch} (MAE {mae}, R² {r2}).</source>
        <translation>最低验证损失：第 {epoch} 轮的 {loss}（MAE {mae}，R² {r2}）。</translation>
    </message>
</context>
<context>
    <name>RunsPanel</name>
    <message>
        <source>Training runs: tick to show a run&apos;s curves</source>
        <translation>训练运行记录：勾选以显示该次运行的曲线</translation>
    </message>
    <message>
        <source>Every run of this session. Tick a run to overlay its curves on the loss and accuracy plots.</source>
        <translation>本次会话中的每次运行。勾选某次运行，即可将它的曲线叠加到损失图和准确率图上。</translation>
    </message>
    <message>
        <source>Run {number}</source>
        <translation>运行 {number}</translation>
    </message>
    <message>
        <source> · {epochs} epochs</source>
        <translation> · {epochs} 轮</translation>
    </message>
    <message>
        <source> · {epochs} epoch</source>
        <translation> · {epochs} 轮</translation>
    </message>
    <message>
        <source> · lowest loss {value:.4g}</source>
        <translation> · 最低损失 {value:.4g}</translation>
    </message>
    <message>
        <source> · best {value:.1f}&#xa0;%</source>
        <translation> · 最佳 {value:.1f}%</translation>
    </message>
    <message>
        <source> · failed</source>
        <translation> · 失败</translation>
    </message>
    <message>
        <source> · stopped</source>
        <translation> · 已停止</translation>
    </message>
    <message>
        <source> · training</source>
        <translation> · 训练中</translation>
    </message>
</context>
<context>
    <name>ScatterView</name>
    <message>
        <source>Predicted against true values</source>
        <translation>预测值与真实值对比</translation>
    </message>
    <message>
        <source>Predicted vs true (validation)</source>
        <translation>预测值与真实值（验证集）</translation>
    </message>
    <message>
        <source>Predicted value</source>
        <translation>预测值</translation>
    </message>
    <message>
        <source>True value</source>
        <translation>真实值</translation>
    </message>
    <message>
        <source>Perfect fit (y = x)</source>
        <translation>完全拟合（y = x）</translation>
    </message>
    <message>
        <source>Validation samples</source>
        <translation>验证样本</translation>
    </message>
    <message>
        <source>The scatter appears after the first epoch.</source>
        <translation>第一轮结束后会显示散点图。</translation>
    </message>
    <message>
        <source>This run kept no validation predictions; train again to see them.</source>
        <translation>这次运行没有保存验证集的预测值；重新训练即可看到。</translation>
    </message>
    <message>
        <source>Epoch {epoch}: {count} validation samples.</source>
        <translation>第 {epoch} 轮：{count} 个验证样本。</translation>
    </message>
    <message>
        <source>MAE {mae}, R² {r2}.</source>
        <translation>MAE {mae}，R² {r2}。</translation>
    </message>
    <message>
        <source>{shown} of them are drawn, evenly spread.</source>
        <translation>其中均匀选取的 {shown} 个已画出。</translation>
    </message>
</context>
<context>
    <name>ShapeSummary</name>
    <message>
        <source>Network summary</source>
        <translation>网络概要</translation>
    </message>
    <message>
        <source>{params} parameters ({size})</source>
        <translation>{params} 个参数（{size}）</translation>
    </message>
    <message>
        <source>{trainable} of {params} parameters train ({size})</source>
        <translation>{params} 个参数中 {trainable} 个参与训练（{size}）</translation>
    </message>
    <message>
        <source>{layers} layers · {weights} · {macs} MACs and {activations} activations per sample</source>
        <translation>{layers} 层 · {weights} · 每个样本 {macs} 次乘加 (MACs)，激活值 {activations}</translation>
    </message>
    <message>
        <source>Drag a block here, or double-click one.</source>
        <translation>把模块拖到这里，或双击一个模块。</translation>
    </message>
    <message>
        <source>✔ Every layer fits.</source>
        <translation>✔ 每一层的形状都匹配。</translation>
    </message>
    <message>
        <source>Layer {index}</source>
        <translation>第 {index} 层</translation>
    </message>
    <message>
        <source>✖ {count} problem(s). </source>
        <translation>✖ {count} 个问题。</translation>
    </message>
    <message>
        <source>{where}: {problem}</source>
        <translation>{where}：{problem}</translation>
    </message>
    <message>
        <source>⚠ The input is {shape}, which {dataset} gives as it is.</source>
        <translation>⚠ 输入为 {shape}，{dataset} 的图像正好是这个形状。</translation>
    </message>
    <message>
        <source>Use {dataset}</source>
        <translation>使用 {dataset}</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
</context>
<context>
    <name>TableChoice</name>
    <message>
        <source>Choose a CSV table (one header row, one column to predict)</source>
        <translation>选择 CSV 表格（一行表头，其中一列是要预测的目标）</translation>
    </message>
    <message>
        <source>CSV tables (*.csv *.tsv *.txt);;All files (*)</source>
        <translation>CSV 表格 (*.csv *.tsv *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Use CSV table</source>
        <translation>使用 CSV 表格</translation>
    </message>
    <message>
        <source>The input shape {shape} already fits the table&apos;s {count} features.</source>
        <translation>输入形状 {shape} 已与表格的 {count} 个特征相符。</translation>
    </message>
    <message>
        <source>The input shape is now {shape}, one value per feature of the table ({count}). Undo (Ctrl+Z) puts back {old}.</source>
        <translation>输入形状现在是 {shape}，表格的每个特征（共 {count} 个）对应一个值。撤销（Ctrl+Z）可恢复为 {old}。</translation>
    </message>
</context>
<context>
    <name>TablePreviewView</name>
    <message>
        <source>First rows of the table</source>
        <translation>表格的前几行</translation>
    </message>
    <message>
        <source>The target column</source>
        <translation>目标列</translation>
    </message>
    <message>
        <source>{count} columns: {names}</source>
        <translation>{count} 列：{names}</translation>
    </message>
    <message>
        <source>Regression on {target}</source>
        <translation>对 {target} 做回归</translation>
    </message>
    <message>
        <source>Classification of {target} into {count} classes</source>
        <translation>把 {target} 分为 {count} 个类别</translation>
    </message>
    <message>
        <source>{count} features</source>
        <translation>{count} 个特征</translation>
    </message>
    <message>
        <source>{count} rows</source>
        <translation>{count} 行</translation>
    </message>
    <message>
        <source>({count} skipped for missing values)</source>
        <translation>（{count} 行因缺失值被跳过）</translation>
    </message>
</context>
<context>
    <name>TrainingDashboard</name>
    <message>
        <source>Training views</source>
        <translation>训练视图</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Per class</source>
        <translation>各类别</translation>
    </message>
    <message>
        <source>Confusion matrix</source>
        <translation>混淆矩阵</translation>
    </message>
    <message>
        <source>Feature maps</source>
        <translation>特征图</translation>
    </message>
    <message>
        <source>Predictions</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>MAE and R²</source>
        <translation>MAE 与 R²</translation>
    </message>
    <message>
        <source>Predicted vs true</source>
        <translation>预测值与真实值</translation>
    </message>
    <message>
        <source>Save plot as PNG…</source>
        <translation>将图保存为 PNG…</translation>
    </message>
    <message>
        <source>Save the plot shown as a PNG image</source>
        <translation>将当前显示的图保存为 PNG 图像</translation>
    </message>
    <message>
        <source>Save metrics as CSV…</source>
        <translation>将指标保存为 CSV…</translation>
    </message>
    <message>
        <source>Save the selected run&apos;s metrics as CSV</source>
        <translation>将所选运行的指标保存为 CSV</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行记录</translation>
    </message>
    <message>
        <source>Press Train to watch the network learn.</source>
        <translation>点击“训练”，观看网络学习的过程。</translation>
    </message>
    <message>
        <source>Training status</source>
        <translation>训练状态</translation>
    </message>
    <message>
        <source>Save plot as PNG</source>
        <translation>将图保存为 PNG</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>No metrics yet</source>
        <translation>还没有指标</translation>
    </message>
    <message>
        <source>Train for an epoch first.</source>
        <translation>请先训练一轮。</translation>
    </message>
    <message>
        <source>Save metrics as CSV</source>
        <translation>将指标保存为 CSV</translation>
    </message>
    <message>
        <source>CSV file (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Could not save</source>
        <translation>无法保存</translation>
    </message>
    <message>
        <source>Run {number}</source>
        <translation>运行 {number}</translation>
    </message>
    <message>
        <source>Run {number} stopped: {message}</source>
        <translation>运行 {number} 已停止：{message}</translation>
    </message>
    <message>
        <source>Run {number} {reason} after {epochs} epoch in {time}.</source>
        <translation>运行 {number} {reason}：共 {epochs} 轮，用时 {time}。</translation>
    </message>
    <message>
        <source>Run {number} {reason} after {epochs} epochs in {time}.</source>
        <translation>运行 {number} {reason}：共 {epochs} 轮，用时 {time}。</translation>
    </message>
    <message>
        <source>Best validation accuracy: {value:.1f} % at epoch {epoch}.</source>
        <translation>最佳验证准确率：{value:.1f}%（第 {epoch} 轮）。</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>epoch {epoch} of {total}</source>
        <translation>第 {epoch}/{total} 轮</translation>
    </message>
    <message>
        <source>batch {step} of {steps}</source>
        <translation>第 {step}/{steps} 批</translation>
    </message>
    <message>
        <source>loss {loss:.4f}</source>
        <translation>损失 {loss:.4f}</translation>
    </message>
    <message>
        <source>{rate:,.0f} samples/s</source>
        <translation>{rate:,.0f} 样本/秒</translation>
    </message>
    <message>
        <source>{time} left</source>
        <translation>剩余 {time}</translation>
    </message>
    <message>
        <source>validation accuracy {value:.1f} %</source>
        <translation>验证准确率 {value:.1f}%</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>was stopped</source>
        <translation>被停止</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
</context>
<context>
    <name>TrainingPanel</name>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Choose an image folder with one sub-folder per class</source>
        <translation>选择图像文件夹（每个类别一个子文件夹）</translation>
    </message>
    <message>
        <source>Choose image folder</source>
        <translation>选择图像文件夹</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Train on this many processes, one per GPU, with DistributedDataParallel</source>
        <translation>用这么多个进程训练（每块 GPU 一个），使用 DistributedDataParallel</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>进程数</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>训练(&amp;T)</translation>
    </message>
    <message>
        <source>Train the network (Ctrl+R)</source>
        <translation>训练网络 (Ctrl+R)</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>停止(&amp;S)</translation>
    </message>
    <message>
        <source>Stop after the current batch, keeping what was learned</source>
        <translation>在当前批次结束后停止，保留已经学到的内容</translation>
    </message>
    <message>
        <source>Training progress</source>
        <translation>训练进度</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>No CSV file chosen yet.</source>
        <translation>尚未选择 CSV 文件。</translation>
    </message>
    <message>
        <source>No folder chosen yet.</source>
        <translation>尚未选择文件夹。</translation>
    </message>
    <message>
        <source>Choose a CSV file with a header row</source>
        <translation>选择带表头行的 CSV 文件</translation>
    </message>
    <message>
        <source>Choose an image folder (one sub-folder per class)</source>
        <translation>选择图像文件夹（每个类别一个子文件夹）</translation>
    </message>
    <message>
        <source>Use image folder</source>
        <translation>使用图像文件夹</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>继续(&amp;R)</translation>
    </message>
    <message>
        <source>Paused: {progress}</source>
        <translation>已暂停：{progress}</translation>
    </message>
    <message>
        <source>Epoch {epoch} of {epochs}</source>
        <translation>第 {epoch}/{epochs} 轮</translation>
    </message>
    <message>
        <source>Epoch {epoch} of {epochs}, batch {batch} of {batches}, {left} left</source>
        <translation>第 {epoch}/{epochs} 轮，第 {batch}/{batches} 批，剩余 {left}</translation>
    </message>
    <message>
        <source>Training is paused. Press Resume to go on.</source>
        <translation>训练已暂停。按“继续”接着训练。</translation>
    </message>
    <message>
        <source>Training resumed.</source>
        <translation>训练已继续。</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
</context>
<context>
    <name>TrainingSession</name>
    <message>
        <source>The network cannot be trained yet. Layer {index}: {problem}</source>
        <translation>网络还不能训练。第 {index} 层：{problem}</translation>
    </message>
    <message>
        <source>Loading data…</source>
        <translation>正在加载数据…</translation>
    </message>
    <message>
        <source>{rate} samples/s</source>
        <translation>{rate} 样本/秒</translation>
    </message>
    <message>
        <source>Epoch {epoch}: validation accuracy {accuracy} %, loss {loss}</source>
        <translation>第 {epoch} 轮：验证准确率 {accuracy}%，损失 {loss}</translation>
    </message>
    <message>
        <source>Finished: best validation accuracy {accuracy} % at epoch {epoch}</source>
        <translation>已完成：最佳验证准确率 {accuracy}%（第 {epoch} 轮）</translation>
    </message>
    <message>
        <source>Stopped: best validation accuracy {accuracy} % at epoch {epoch}</source>
        <translation>已停止：最佳验证准确率 {accuracy}%（第 {epoch} 轮）</translation>
    </message>
    <message>
        <source>Training failed.</source>
        <translation>训练失败。</translation>
    </message>
    <message>
        <source>Finished.</source>
        <translation>已完成。</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <source>Epoch {epoch}: the last {n} stages of the backbone train from now on, at learning rate {lr}.</source>
        <translation>第 {epoch} 轮：从现在起主干网络的最后 {n} 个阶段参与训练，学习率为 {lr}。</translation>
    </message>
    <message>
        <source>Epoch {epoch}: the frozen layers train from now on, at learning rate {lr}.</source>
        <translation>第 {epoch} 轮：从现在起冻结层参与训练，学习率为 {lr}。</translation>
    </message>
</context>
<context>
    <name>UnfreezeMarkers</name>
    <message>
        <source>Last {n} stages unfrozen · lr {lr}</source>
        <translation>最后 {n} 个阶段已解冻 · 学习率 {lr}</translation>
    </message>
    <message>
        <source>Frozen layers unfrozen · lr {lr}</source>
        <translation>冻结层已解冻 · 学习率 {lr}</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>Something went wrong ({error}). Your work is still open; details are in {log}.</source>
        <translation>出现了问题（{error}）。你的工作仍然打开着；详细信息见 {log}。</translation>
    </message>
</context>
<context>
    <name>blocks</name>
    <message>
        <source>2-D convolution: slides learned filters over the image, one output channel per filter.</source>
        <translation>二维卷积：在图像上滑动学习得到的滤波器（卷积核），每个滤波器输出一个通道。</translation>
    </message>
    <message>
        <source>Number of filters (output channels).</source>
        <translation>滤波器数量（输出通道数）。</translation>
    </message>
    <message>
        <source>{v} ch</source>
        <translation>{v} 通道</translation>
    </message>
    <message>
        <source>Side of the square window.</source>
        <translation>正方形窗口的边长。</translation>
    </message>
    <message>
        <source>{v}×{v}</source>
        <translation>{v}×{v}</translation>
    </message>
    <message>
        <source>Step between filter positions.</source>
        <translation>滤波器每次移动的步长。</translation>
    </message>
    <message>
        <source>stride {v}</source>
        <translation>步幅 {v}</translation>
    </message>
    <message>
        <source>Zeros added on each border.</source>
        <translation>每条边上补零的圈数。</translation>
    </message>
    <message>
        <source>pad {v}</source>
        <translation>填充 {v}</translation>
    </message>
    <message>
        <source>Spacing between kernel elements.</source>
        <translation>卷积核元素之间的间距（空洞卷积）。</translation>
    </message>
    <message>
        <source>Learn an additive bias per filter.</source>
        <translation>为每个滤波器学习一个加性偏置。</translation>
    </message>
    <message>
        <source>1-D convolution: slides learned filters along the signal, one output channel per filter.</source>
        <translation>一维卷积：让学习到的滤波器沿信号滑动，每个滤波器输出一个通道。</translation>
    </message>
    <message>
        <source>Length of the window.</source>
        <translation>窗口的长度。</translation>
    </message>
    <message>
        <source>k{v}</source>
        <translation>窗口 {v}</translation>
    </message>
    <message>
        <source>Transposed 2-D convolution: learned upsampling, the reverse of a strided convolution.</source>
        <translation>二维转置卷积：可学习的上采样，是带步幅卷积的逆过程。</translation>
    </message>
    <message>
        <source>Step between filter positions in the output.</source>
        <translation>滤波器在输出中每次移动的步长。</translation>
    </message>
    <message>
        <source>Extra rows and columns added on one side of the output.</source>
        <translation>在输出的一侧额外添加的行数和列数。</translation>
    </message>
    <message>
        <source>Max pooling: keeps the largest value in each window, shrinking height and width.</source>
        <translation>最大池化：保留每个窗口中的最大值，缩小高和宽。</translation>
    </message>
    <message>
        <source>Step between windows; empty means the same as the kernel size.</source>
        <translation>窗口每次移动的步长；留空表示与 kernel_size 相同。</translation>
    </message>
    <message>
        <source>= kernel</source>
        <translation>= kernel_size</translation>
    </message>
    <message>
        <source>Average pooling: averages each window, shrinking height and width.</source>
        <translation>平均池化：对每个窗口取平均值，缩小高和宽。</translation>
    </message>
    <message>
        <source>1-D max pooling: keeps the largest value in each window, shrinking the length.</source>
        <translation>一维最大池化：保留每个窗口中的最大值，缩短长度。</translation>
    </message>
    <message>
        <source>1-D average pooling: averages each window, shrinking the length.</source>
        <translation>一维平均池化：对每个窗口取平均，缩短长度。</translation>
    </message>
    <message>
        <source>Averages each channel down to a fixed output size, whatever the input size.</source>
        <translation>无论输入多大，都把每个通道平均池化到固定的输出大小。</translation>
    </message>
    <message>
        <source>Output height and width.</source>
        <translation>输出的高和宽。</translation>
    </message>
    <message>
        <source>{v}×{v} out</source>
        <translation>输出 {v}×{v}</translation>
    </message>
    <message>
        <source>Enlarges each channel by a scale factor or to a fixed size, repeating (nearest) or blending (bilinear) neighbouring values.</source>
        <translation>按缩放倍数或到固定尺寸放大每个通道，方式是重复（nearest）或混合（bilinear）相邻的值。</translation>
    </message>
    <message>
        <source>How many times larger each side gets; empty to use the size instead.</source>
        <translation>每条边放大的倍数；留空则改用尺寸。</translation>
    </message>
    <message>
        <source>use size</source>
        <translation>使用尺寸</translation>
    </message>
    <message>
        <source>×{v}</source>
        <translation>×{v}</translation>
    </message>
    <message>
        <source>Output length of each side; empty to use the scale factor instead.</source>
        <translation>输出中每条边的长度；留空则改用缩放倍数。</translation>
    </message>
    <message>
        <source>use scale</source>
        <translation>使用倍数</translation>
    </message>
    <message>
        <source>→{v}</source>
        <translation>→{v}</translation>
    </message>
    <message>
        <source>How new values are made: copied from the nearest value, or blended from the neighbours (images only).</source>
        <translation>新值的生成方式：复制最近的值，或由相邻值混合而成（仅限图像）。</translation>
    </message>
    <message>
        <source>Rectified linear unit: keeps positive values, sets negatives to zero.</source>
        <translation>修正线性单元：保留正值，把负值置为零。</translation>
    </message>
    <message>
        <source>Like ReLU, but lets a small slope through for negative values.</source>
        <translation>与 ReLU 类似，但负值部分保留一个小斜率。</translation>
    </message>
    <message>
        <source>Slope for negative inputs.</source>
        <translation>负输入部分的斜率。</translation>
    </message>
    <message>
        <source>Gaussian error linear unit: a smooth ReLU.</source>
        <translation>高斯误差线性单元：一种平滑的 ReLU。</translation>
    </message>
    <message>
        <source>Squashes values into (0, 1).</source>
        <translation>把数值压缩到 (0, 1) 区间。</translation>
    </message>
    <message>
        <source>Squashes values into (-1, 1).</source>
        <translation>把数值压缩到 (-1, 1) 区间。</translation>
    </message>
    <message>
        <source>Fully connected layer: every output is a learned weighted sum of all inputs.</source>
        <translation>全连接层：每个输出都是全部输入的加权和，权重通过学习得到。</translation>
    </message>
    <message>
        <source>Number of outputs.</source>
        <translation>输出的数量。</translation>
    </message>
    <message>
        <source>{v} out</source>
        <translation>{v} 输出</translation>
    </message>
    <message>
        <source>Learn an additive bias per output.</source>
        <translation>为每个输出学习一个加性偏置。</translation>
    </message>
    <message>
        <source>Normalises each channel over the batch; often speeds up and steadies training.</source>
        <translation>在批次上对每个通道做归一化；通常能加快训练并使其更稳定。</translation>
    </message>
    <message>
        <source>Added to the variance for stability.</source>
        <translation>加到方差上，保证数值稳定。</translation>
    </message>
    <message>
        <source>How fast the running statistics follow.</source>
        <translation>滑动统计量（running mean/var）的更新速度。</translation>
    </message>
    <message>
        <source>Normalises each feature of a flat vector, or each channel of a signal, over the batch.</source>
        <translation>在批次上对一维向量的每个特征或信号的每个通道做归一化。</translation>
    </message>
    <message>
        <source>Randomly zeroes elements during training, which reduces over-fitting.</source>
        <translation>训练时随机把元素置零，可以减轻过拟合。</translation>
    </message>
    <message>
        <source>Probability of zeroing each element during training.</source>
        <translation>训练时每个元素被置零的概率。</translation>
    </message>
    <message>
        <source>p={v}</source>
        <translation>p={v}</translation>
    </message>
    <message>
        <source>Randomly zeroes whole channels during training.</source>
        <translation>训练时随机把整个通道置零。</translation>
    </message>
    <message>
        <source>Turns each image-shaped sample into one flat vector, as Linear layers need.</source>
        <translation>把每个图像形状的样本展平成一维向量，供 Linear 层使用。</translation>
    </message>
    <message>
        <source>Turns scores into probabilities that sum to 1. Not needed before cross-entropy loss.</source>
        <translation>把得分转换成和为 1 的概率。使用交叉熵损失时不需要它。</translation>
    </message>
    <message>
        <source>Log-probabilities; pair it with negative log-likelihood (NLL) loss.</source>
        <translation>输出对数概率；应与负对数似然 (NLL) 损失搭配使用。</translation>
    </message>
    <message>
        <source>A torchvision image classifier without its last layers: gives the pooled features of a colour image. Pretrained weights download once into torch&apos;s cache.</source>
        <translation>去掉最后几层的 torchvision 图像分类器：输出彩色图像经池化的特征。预训练权重只需下载一次，存放在 torch 的缓存中。</translation>
    </message>
    <message>
        <source>Which torchvision model.</source>
        <translation>使用哪个 torchvision 模型。</translation>
    </message>
    <message>
        <source>{v}</source>
        <translation>{v}</translation>
    </message>
    <message>
        <source>The pretrained weights (torchvision&apos;s name); empty for random weights.</source>
        <translation>预训练权重（torchvision 中的名称）；留空则使用随机权重。</translation>
    </message>
    <message>
        <source>random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>{v} weights</source>
        <translation>{v} 权重</translation>
    </message>
    <message>
        <source>When the layer is frozen, its last this many stages still train.</source>
        <translation>冻结该层时，它的最后这么多个阶段仍然参与训练。</translation>
    </message>
    <message>
        <source>last {v} stages train</source>
        <translation>训练最后 {v} 个阶段</translation>
    </message>
</context>
<context>
    <name>dialogs</name>
    <message>
        <source>Import pasted code</source>
        <translation>导入粘贴的代码</translation>
    </message>
    <message>
        <source>Paste an nn.Sequential(...) expression. It is read, never run. To import an nn.Module class, save it as a .py file and use Import PyTorch code.</source>
        <translation>粘贴一个 nn.Sequential(...) 表达式。代码只会被读取，绝不会被运行。要导入 nn.Module 类，请将其保存为 .py 文件，然后使用“导入 PyTorch 代码”。</translation>
    </message>
    <message>
        <source>Run this file?</source>
        <translation>要运行这个文件吗？</translation>
    </message>
    <message>
        <source>{file} defines its network as a class, which can only be imported by running the file. Run it only if you trust where it came from. Run it now?</source>
        <translation>{file} 以类的形式定义网络，只有运行该文件才能导入。请只在信任其来源时运行。现在运行吗？</translation>
    </message>
    <message>
        <source>Input size</source>
        <translation>输入大小</translation>
    </message>
    <message>
        <source>Several input sizes fit this network. Which one does your data have?</source>
        <translation>有多种输入大小都适合这个网络。你的数据是哪一种？</translation>
    </message>
</context>
<context>
    <name>import_task</name>
    <message>
        <source>Running the file to import its network…</source>
        <translation>正在运行文件以导入其网络…</translation>
    </message>
    <message>
        <source>Reading the network from the code…</source>
        <translation>正在从代码中读取网络…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Importing PyTorch code</source>
        <translation>正在导入 PyTorch 代码</translation>
    </message>
</context>
<context>
    <name>messages</name>
    <message>
        <source>A network can have at most {n} layers.</source>
        <translation>一个网络最多只能有 {n} 层。</translation>
    </message>
    <message>
        <source>A project name or description must be text.</source>
        <translation>项目名称或描述必须是文本。</translation>
    </message>
    <message>
        <source>Adagrad</source>
        <translation>Adagrad</translation>
    </message>
    <message>
        <source>Adam</source>
        <translation>Adam</translation>
    </message>
    <message>
        <source>AdamW</source>
        <translation>AdamW</translation>
    </message>
    <message>
        <source>Add Flatten and Linear at the end</source>
        <translation>在末尾添加 Flatten 和 Linear</translation>
    </message>
    <message>
        <source>Add LogSoftmax at the end</source>
        <translation>在末尾添加 LogSoftmax</translation>
    </message>
    <message>
        <source>Anneal the rate to 0 along a cosine</source>
        <translation>学习率沿余弦曲线降到 0</translation>
    </message>
    <message>
        <source>As the project&apos;s Weight init and Bias init settings say</source>
        <translation>按项目的“权重初始化”和“偏置初始化”设置</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Bias init</source>
        <translation>偏置初始化</translation>
    </message>
    <message>
        <source>CIFAR-10</source>
        <translation>CIFAR-10</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Cannot write {name} in {folder}: {reason}. Choose another folder.</source>
        <translation>无法在 {folder} 中写入 {name}：{reason}。请选择其他文件夹。</translation>
    </message>
    <message>
        <source>Constant</source>
        <translation>恒定</translation>
    </message>
    <message>
        <source>Cosine</source>
        <translation>余弦</translation>
    </message>
    <message>
        <source>Could not make a PNG image of this plot for {path}. Try again once the plot shows data.</source>
        <translation>无法为 {path} 生成此图的 PNG 图像。请等图中有数据后再试。</translation>
    </message>
    <message>
        <source>Could not read the image folder {path} ({reason}); check its permissions.</source>
        <translation>无法读取图像文件夹 {path}（{reason}）；请检查它的权限。</translation>
    </message>
    <message>
        <source>Could not read {file} in {folder} ({reason}); check the file&apos;s permissions.</source>
        <translation>无法读取 {folder} 中的 {file}（{reason}）；请检查该文件的权限。</translation>
    </message>
    <message>
        <source>Could not read {path} as an image ({reason}). Choose a PNG, JPEG or BMP file.</source>
        <translation>无法把 {path} 作为图像读取（{reason}）。请选择 PNG、JPEG 或 BMP 文件。</translation>
    </message>
    <message>
        <source>Could not read {path} as an image; use a PNG, JPEG or another common format.</source>
        <translation>无法把 {path} 作为图像读取；请使用 PNG、JPEG 或其他常见格式。</translation>
    </message>
    <message>
        <source>Could not read {path}: {reason}.</source>
        <translation>无法读取 {path}：{reason}。</translation>
    </message>
    <message>
        <source>Could not write {path}: {reason}. Choose another folder or free some space.</source>
        <translation>无法写入 {path}：{reason}。请换一个文件夹，或腾出一些磁盘空间。</translation>
    </message>
    <message>
        <source>Creating {cls}() failed{at} ({kind}: {error}).</source>
        <translation>创建 {cls}() 失败{at}（{kind}: {error}）。</translation>
    </message>
    <message>
        <source>Cross-entropy</source>
        <translation>交叉熵</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Decode each batch from disk: memory stays flat for any number of images</source>
        <translation>每批从磁盘解码：无论有多少图像，内存占用都保持平稳</translation>
    </message>
    <message>
        <source>Decode every image once into memory: the fastest training</source>
        <translation>把每张图像解码一次并存入内存：训练最快</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Each of the {classes} classes in {path} has too few images to keep {percent:.0f} % for validation: that needs {needed} images per class, and the largest class has {most}. Use fewer classes with more images each, or change the validation share.</source>
        <translation>{path} 中的 {classes} 个类别每个都图像太少，无法留出 {percent:.0f}% 用于验证：这需要每个类别 {needed} 张图像，而最大的类别只有 {most} 张。请使用更少的类别、每个类别更多的图像，或更改验证比例。</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Epochs between two steps of the step schedule</source>
        <translation>阶梯调度两次降低学习率之间的轮数</translation>
    </message>
    <message>
        <source>Every bias starts at 0</source>
        <translation>所有偏置从 0 开始</translation>
    </message>
    <message>
        <source>Every layer with weights is frozen, so nothing would train; unfreeze at least one layer (usually the last ones).</source>
        <translation>所有带权重的层都已冻结，没有任何参数会被训练；请至少解冻一层（通常是最后几层）。</translation>
    </message>
    <message>
        <source>Every value 0</source>
        <translation>所有值为 0</translation>
    </message>
    <message>
        <source>Every value 1</source>
        <translation>所有值为 1</translation>
    </message>
    <message>
        <source>Every value the same</source>
        <translation>所有值相同</translation>
    </message>
    <message>
        <source>Fashion-MNIST</source>
        <translation>Fashion-MNIST</translation>
    </message>
    <message>
        <source>Fix the problem at layer {index} to see the code: {message}</source>
        <translation>请先修复第 {index} 层的问题才能查看代码：{message}</translation>
    </message>
    <message>
        <source>Gamma</source>
        <translation>Gamma</translation>
    </message>
    <message>
        <source>Glorot&apos;s normal init, scaled by the layer&apos;s inputs and outputs</source>
        <translation>Glorot 正态初始化，按该层的输入和输出数缩放</translation>
    </message>
    <message>
        <source>Glorot&apos;s uniform init, scaled by the layer&apos;s inputs and outputs</source>
        <translation>Glorot 均匀初始化，按该层的输入和输出数缩放</translation>
    </message>
    <message>
        <source>He&apos;s normal init, for layers followed by ReLU</source>
        <translation>何恺明（He）正态初始化，适用于后接 ReLU 的层</translation>
    </message>
    <message>
        <source>He&apos;s uniform init, for layers followed by ReLU</source>
        <translation>何恺明（He）均匀初始化，适用于后接 ReLU 的层</translation>
    </message>
    <message>
        <source>Head-only epochs</source>
        <translation>仅训练头部的轮数</translation>
    </message>
    <message>
        <source>Hold the decoded images in memory, or read them from disk batch by batch</source>
        <translation>将解码后的图像保存在内存中，或逐批从磁盘读取</translation>
    </message>
    <message>
        <source>How many last stages of a backbone the second stage unfreezes (0: all)</source>
        <translation>第二阶段解冻主干网络最后几个阶段（0：全部）</translation>
    </message>
    <message>
        <source>How the biases of convolutions and Linear layers start; a layer can override it</source>
        <translation>卷积层和 Linear 层偏置的初始值；单个层可以另行设置</translation>
    </message>
    <message>
        <source>Image folder…</source>
        <translation>图像文件夹…</translation>
    </message>
    <message>
        <source>Images per step</source>
        <translation>每一步使用的图像数</translation>
    </message>
    <message>
        <source>Insert a Flatten before layer {index}</source>
        <translation>在第 {index} 层前插入 Flatten</translation>
    </message>
    <message>
        <source>Insert a ReLU before layer {index}</source>
        <translation>在第 {index} 层前插入 ReLU</translation>
    </message>
    <message>
        <source>Kaiming</source>
        <translation>Kaiming</translation>
    </message>
    <message>
        <source>Kaiming normal</source>
        <translation>Kaiming 正态</translation>
    </message>
    <message>
        <source>Kaiming uniform</source>
        <translation>Kaiming 均匀</translation>
    </message>
    <message>
        <source>L2 penalty on the weights</source>
        <translation>对权重的 L2 惩罚</translation>
    </message>
    <message>
        <source>Layer {index} ({block}) has an unknown parameter {name!r}.</source>
        <translation>第 {index} 层（{block}）有未知参数 {name!r}。</translation>
    </message>
    <message>
        <source>Layer {index} ({block}): frozen must be true or false.</source>
        <translation>第 {index} 层（{block}）：frozen 必须是 true 或 false。</translation>
    </message>
    <message>
        <source>Layer {index} ({block}): {message}</source>
        <translation>第 {index} 层（{block}）：{message}</translation>
    </message>
    <message>
        <source>Layer {index} ({block}): {problem}</source>
        <translation>第 {index} 层（{block}）：{problem}</translation>
    </message>
    <message>
        <source>Layer {index} has malformed parameters.</source>
        <translation>第 {index} 层的参数格式不正确。</translation>
    </message>
    <message>
        <source>Layer {index} has no block type.</source>
        <translation>第 {index} 层没有模块类型。</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Learning rate; with the one-cycle schedule this is the peak rate.</source>
        <translation>学习率；使用单周期 (one-cycle) 调度时为峰值学习率。</translation>
    </message>
    <message>
        <source>Line {line} changes {name} after it is built (`{text}`), which only running the code can follow exactly, so the network was not read. Import it with --trust if you trust this file.</source>
        <translation>第 {line} 行在 {name} 创建之后又修改了它（`{text}`），只有运行代码才能准确跟踪，因此没有读取该网络。如果信任此文件，请使用 --trust 导入。</translation>
    </message>
    <message>
        <source>Line {line} downloads pretrained weights, and that failed ({error}); the computer may be offline. Put the weights file in {folder} (torch&apos;s cache), or build the model without pretrained weights, then import again.</source>
        <translation>第 {line} 行需要下载预训练权重，但下载失败（{error}）；计算机可能处于离线状态。请把权重文件放到 {folder}（torch 的缓存）中，或者不使用预训练权重构建模型，然后重新导入。</translation>
    </message>
    <message>
        <source>Line {line} of {name} is not valid Python ({reason}), so it cannot be read.</source>
        <translation>{name} 的第 {line} 行不是有效的 Python 代码（{reason}），因此无法读取。</translation>
    </message>
    <message>
        <source>Line {line} of {name} is not valid Python ({reason}), so it cannot be run.</source>
        <translation>{name} 的第 {line} 行不是有效的 Python 代码（{reason}），因此无法运行。</translation>
    </message>
    <message>
        <source>Line {line} uses {name}, but importing it failed ({why}). Install what the file needs, then import it again.</source>
        <translation>第 {line} 行用到了 {name}，但导入它失败了（{why}）。请安装该文件所需的依赖，然后重新导入。</translation>
    </message>
    <message>
        <source>Line {line}: `{name}` (made at line {made}) is used a second time in the network, so both places share one set of weights (tied parameters). A project gives every layer its own weights, so importing it would change the network; the import stopped instead. Give each place its own layer if they should not share weights.</source>
        <translation>第 {line} 行：`{name}`（在第 {made} 行创建）在网络中被第二次使用，因此两处共享同一组权重（绑定参数）。项目中的每一层都有自己的权重，导入会改变网络，所以导入已停止。如果两处不应共享权重，请为每处各建一个层。</translation>
    </message>
    <message>
        <source>Line {line}: `{text}` is not a torch.nn layer. Without running code, only torch.nn layers can be read; a Module class can be imported with --trust.</source>
        <translation>第 {line} 行：`{text}` 不是 torch.nn 的层。不运行代码时只能读取 torch.nn 的层；Module 类可以用 --trust 导入。</translation>
    </message>
    <message>
        <source>Line {line}: `{text}` refers to itself.</source>
        <translation>第 {line} 行：`{text}` 引用了它自身。</translation>
    </message>
    <message>
        <source>Line {line}: cannot tell what `{text}` is without running the code. Write the layers out inside the nn.Sequential(...).</source>
        <translation>第 {line} 行：不运行代码就无法确定 `{text}` 是什么。请把各层直接写在 nn.Sequential(...) 里面。</translation>
    </message>
    <message>
        <source>Line {line}: cannot work out the value `{value}` in `{text}` without running the code. Write it as a number.</source>
        <translation>第 {line} 行：不运行代码就无法算出 `{text}` 中 `{value}` 的值。请直接写成数字。</translation>
    </message>
    <message>
        <source>Line {line}: expected (name, layer) pairs in the OrderedDict.</source>
        <translation>第 {line} 行：OrderedDict 中应为 (名称, 层) 对。</translation>
    </message>
    <message>
        <source>Line {line}: nn.Sequential takes its layers as plain arguments.</source>
        <translation>第 {line} 行：nn.Sequential 的各层应作为普通参数传入。</translation>
    </message>
    <message>
        <source>Line {line}: the layers in `{text}` are built while the code runs, so they cannot be read without running it. Write the layers out inside the nn.Sequential(...).</source>
        <translation>第 {line} 行：`{text}` 中的层是在代码运行时构建的，不运行就无法读取。请把各层直接写在 nn.Sequential(...) 里面。</translation>
    </message>
    <message>
        <source>Line {line}: the nn.Sequential has no layers, so there is nothing to import.</source>
        <translation>第 {line} 行：这个 nn.Sequential 没有任何层，没有可导入的内容。</translation>
    </message>
    <message>
        <source>Line {line}: {name} is not an nn.Module once the line runs, so it cannot be imported.</source>
        <translation>第 {line} 行：运行该行后 {name} 不是 nn.Module，因此无法导入。</translation>
    </message>
    <message>
        <source>Line {line}: {what}, which only running the code can follow exactly, so the network was not read. Import it with --trust if you trust this file.</source>
        <translation>第 {line} 行：{what}，只有运行代码才能准确跟踪，因此没有读取该网络。如果信任此文件，请使用 --trust 导入。</translation>
    </message>
    <message>
        <source>Linear needs a flat vector, but gets a {shape} tensor. Insert a Flatten before it.</source>
        <translation>Linear 需要一维向量，但它收到的是 {shape} 的张量。请在它前面插入一个 Flatten。</translation>
    </message>
    <message>
        <source>Loading</source>
        <translation>加载方式</translation>
    </message>
    <message>
        <source>Log to TensorBoard</source>
        <translation>记录到 TensorBoard</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Lower the batch size or make the network smaller.</source>
        <translation>请减小批大小，或把网络改小。</translation>
    </message>
    <message>
        <source>MNIST</source>
        <translation>MNIST</translation>
    </message>
    <message>
        <source>MNIST sample</source>
        <translation>MNIST 样本</translation>
    </message>
    <message>
        <source>MSE</source>
        <translation>MSE</translation>
    </message>
    <message>
        <source>Make the network smaller: fewer features, channels or a smaller input.</source>
        <translation>请把网络改小：减少特征数或通道数，或使用更小的输入。</translation>
    </message>
    <message>
        <source>Mirror training images left-right at random</source>
        <translation>随机左右翻转训练图像</translation>
    </message>
    <message>
        <source>Momentum</source>
        <translation>动量</translation>
    </message>
    <message>
        <source>Multiply the rate by gamma every few epochs</source>
        <translation>每隔几轮把学习率乘以 gamma</translation>
    </message>
    <message>
        <source>NLL</source>
        <translation>NLL</translation>
    </message>
    <message>
        <source>NLL loss expects log-probabilities, but the network does not end with LogSoftmax. Add a LogSoftmax layer at the end.</source>
        <translation>NLL 损失需要对数概率，但网络末尾不是 LogSoftmax。请在末尾添加一个 LogSoftmax 层。</translation>
    </message>
    <message>
        <source>Negative log-likelihood, for a network ending in LogSoftmax</source>
        <translation>负对数似然，用于以 LogSoftmax 结尾的网络</translation>
    </message>
    <message>
        <source>Nesterov</source>
        <translation>Nesterov</translation>
    </message>
    <message>
        <source>Nesterov momentum for SGD; needs a momentum above 0.</source>
        <translation>SGD 的 Nesterov 动量；需要动量大于 0。</translation>
    </message>
    <message>
        <source>Nesterov momentum needs a momentum above 0; set the momentum (0.9 is usual) or turn Nesterov off.</source>
        <translation>Nesterov 动量要求动量大于 0；请设置动量（通常为 0.9），或关闭 Nesterov。</translation>
    </message>
    <message>
        <source>No CSV file is chosen; choose a CSV file with a header row.</source>
        <translation>尚未选择 CSV 文件；请选择一个带表头行的 CSV 文件。</translation>
    </message>
    <message>
        <source>No image folder is chosen; choose a folder with one sub-folder of images per class.</source>
        <translation>尚未选择图像文件夹；请选择一个每个类别各有一个图像子文件夹的文件夹。</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>正态分布</translation>
    </message>
    <message>
        <source>Normal with mean 0 and std 0.01</source>
        <translation>均值 0、标准差 0.01 的正态分布</translation>
    </message>
    <message>
        <source>ONNX export needs {missing}, which is not installed. Install it with: {command}</source>
        <translation>导出 ONNX 需要 {missing}，但尚未安装。请用以下命令安装：{command}</translation>
    </message>
    <message>
        <source>One-cycle</source>
        <translation>单周期</translation>
    </message>
    <message>
        <source>Ones</source>
        <translation>全 1</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Passes over the training images</source>
        <translation>遍历全部训练图像的次数</translation>
    </message>
    <message>
        <source>Predict the target&apos;s number; needs an MSE, L1 or Smooth-L1 loss</source>
        <translation>预测目标列的数值；需要 MSE、L1 或 Smooth-L1 损失</translation>
    </message>
    <message>
        <source>Preload</source>
        <translation>预加载</translation>
    </message>
    <message>
        <source>Preload if the decoded images fit in half the free memory, else stream</source>
        <translation>解码后的图像能放进一半空闲内存时预加载，否则从磁盘流式读取</translation>
    </message>
    <message>
        <source>PyTorch&apos;s default initialisation</source>
        <translation>PyTorch 的默认初始化</translation>
    </message>
    <message>
        <source>RMSprop</source>
        <translation>RMSprop</translation>
    </message>
    <message>
        <source>Random crops</source>
        <translation>随机裁剪</translation>
    </message>
    <message>
        <source>Random flips</source>
        <translation>随机翻转</translation>
    </message>
    <message>
        <source>Random values from a normal distribution with this mean and std</source>
        <translation>取自给定均值和标准差的正态分布的随机值</translation>
    </message>
    <message>
        <source>Random values spread evenly between a and b</source>
        <translation>在 a 与 b 之间均匀分布的随机值</translation>
    </message>
    <message>
        <source>Regression</source>
        <translation>回归</translation>
    </message>
    <message>
        <source>Remove layer {index}</source>
        <translation>删除第 {index} 层</translation>
    </message>
    <message>
        <source>Running line {line} of {name} failed ({kind}: {error}). Fix the file, then import it again.</source>
        <translation>运行 {name} 的第 {line} 行失败（{kind}: {error}）。请修正该文件，然后重新导入。</translation>
    </message>
    <message>
        <source>Running {cls}.forward() failed{at}: {error} Fix the file, then import again.</source>
        <translation>运行 {cls}.forward() 失败{at}：{error} 请修正该文件，然后重新导入。</translation>
    </message>
    <message>
        <source>Running {file} failed ({reason}), so nothing was imported.</source>
        <translation>运行 {file} 失败（{reason}），因此没有导入任何内容。</translation>
    </message>
    <message>
        <source>SGD</source>
        <translation>SGD</translation>
    </message>
    <message>
        <source>SGD momentum (0.9 is usual); other optimizers keep their own.</source>
        <translation>SGD 的动量（通常为 0.9）；其他优化器使用各自的设置。</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>学习率调度</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Set kernel_size to {k}</source>
        <translation>把 kernel_size 设为 {k}</translation>
    </message>
    <message>
        <source>Set out_features to {classes}</source>
        <translation>把 out_features 设为 {classes}</translation>
    </message>
    <message>
        <source>Several input sizes fit this network ({sizes}); say which one you mean with --input-shape, like --input-shape {example}.</source>
        <translation>有多种输入大小适合这个网络（{sizes}）；请用 --input-shape 指定，例如 --input-shape {example}。</translation>
    </message>
    <message>
        <source>Shift training images by a few pixels at random</source>
        <translation>随机把训练图像平移几个像素</translation>
    </message>
    <message>
        <source>Smooth L1</source>
        <translation>Smooth L1</translation>
    </message>
    <message>
        <source>Squared for small errors and absolute for large ones, for regression</source>
        <translation>误差小时取平方、误差大时取绝对值，用于回归</translation>
    </message>
    <message>
        <source>Stages to unfreeze</source>
        <translation>解冻的阶段数</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>阶梯</translation>
    </message>
    <message>
        <source>Step every</source>
        <translation>间隔轮数</translation>
    </message>
    <message>
        <source>Stream from disk</source>
        <translation>从磁盘流式读取</translation>
    </message>
    <message>
        <source>Target column</source>
        <translation>目标列</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>TensorBoard logging needs the tensorboard package, which is not installed. Install it with: {command}</source>
        <translation>TensorBoard 记录需要 tensorboard 包，但尚未安装。请用以下命令安装：{command}</translation>
    </message>
    <message>
        <source>The CSV column the network learns to predict</source>
        <translation>网络要学习预测的 CSV 列</translation>
    </message>
    <message>
        <source>The CSV file has no column {column!r}; its columns are {columns}.</source>
        <translation>CSV 文件中没有 {column!r} 列；它的列有：{columns}。</translation>
    </message>
    <message>
        <source>The CSV file has no complete rows: every one of its {n} rows misses a value; fill the gaps or remove the empty columns.</source>
        <translation>CSV 文件中没有完整的行：全部 {n} 行都缺少某个值；请补全空缺，或删除空列。</translation>
    </message>
    <message>
        <source>The CSV file has no feature columns besides the target.</source>
        <translation>CSV 文件中除目标列外没有特征列。</translation>
    </message>
    <message>
        <source>The CSV file has only one column ({column}); a table needs feature columns and a target column separated by commas, semicolons or tabs.</source>
        <translation>CSV 文件只有一列（{column}）；表格需要用逗号、分号或制表符分隔的特征列和目标列。</translation>
    </message>
    <message>
        <source>The CSV file is empty; choose a file with a header row and data rows.</source>
        <translation>CSV 文件是空的；请选择一个有表头行和数据行的文件。</translation>
    </message>
    <message>
        <source>The CSV file {path} does not exist; choose a CSV file with a header row.</source>
        <translation>CSV 文件 {path} 不存在；请选择一个带表头行的 CSV 文件。</translation>
    </message>
    <message>
        <source>The CSV header names the column {column} twice; give every column its own name.</source>
        <translation>CSV 表头中 {column} 列出现了两次；请给每一列取不同的名字。</translation>
    </message>
    <message>
        <source>The architecture has no list of layers.</source>
        <translation>网络结构中没有层列表。</translation>
    </message>
    <message>
        <source>The architecture must be an object with input_shape and layers.</source>
        <translation>网络结构必须是包含 input_shape 和 layers 的对象。</translation>
    </message>
    <message>
        <source>The batch size ({batch}) is smaller than the number of processes ({n}); use a batch size of at least {n}.</source>
        <translation>批大小（{batch}）小于进程数（{n}）；请使用至少为 {n} 的批大小。</translation>
    </message>
    <message>
        <source>The batch size is {size}; it must be a whole number of at least 1.</source>
        <translation>批大小为 {size}；它必须是不小于 1 的整数。</translation>
    </message>
    <message>
        <source>The bundled MNIST sample is missing from {path}; reinstall Sequential Studio or choose another dataset.</source>
        <translation>内置的 MNIST 样本不在 {path}；请重新安装 Sequential Studio，或选择其他数据集。</translation>
    </message>
    <message>
        <source>The bundled MNIST sample {path} is damaged; reinstall Sequential Studio or choose another dataset.</source>
        <translation>内置的 MNIST 样本 {path} 已损坏；请重新安装 Sequential Studio，或选择其他数据集。</translation>
    </message>
    <message>
        <source>The bundled sample: 5,000 handwritten digits, 10 classes</source>
        <translation>内置样本：5,000 个手写数字，10 个类别</translation>
    </message>
    <message>
        <source>The class folder {name} in {path} has no readable images; add images to it or remove it.</source>
        <translation>{path} 中的类别文件夹 {name} 没有可读取的图像；请向其中添加图像，或删除它。</translation>
    </message>
    <message>
        <source>The column {column} holds text (such as {example!r}) with {n} different values, more than the {limit} that can be one-hot encoded; remove the column or write its values as numbers.</source>
        <translation>{column} 列是文本（例如 {example!r}），有 {n} 个不同的值，超过了可做独热编码的 {limit} 个；请删除该列，或把它的值写成数字。</translation>
    </message>
    <message>
        <source>The data has samples of shape {data}, but the network takes {net}; reload the data for this network.</source>
        <translation>数据样本的形状是 {data}，但网络需要 {net}；请为这个网络重新加载数据。</translation>
    </message>
    <message>
        <source>The dataset {name!r} is unknown; choose one of {choices}.</source>
        <translation>未知的数据集 {name!r}；请从 {choices} 中选择。</translation>
    </message>
    <message>
        <source>The device &apos;mps&apos; is not available on this computer (it needs an Apple GPU); choose auto or cpu.</source>
        <translation>这台计算机上没有 &apos;mps&apos; 设备（它需要 Apple GPU）；请选择 auto 或 cpu。</translation>
    </message>
    <message>
        <source>The device {name!r} is not available on this computer ({found}); choose auto or cpu.</source>
        <translation>这台计算机上没有设备 {name!r}（{found}）；请选择 auto 或 cpu。</translation>
    </message>
    <message>
        <source>The device {name!r} is not supported; use auto, cpu, cuda or mps.</source>
        <translation>不支持设备 {name!r}；请使用 auto、cpu、cuda 或 mps。</translation>
    </message>
    <message>
        <source>The file could not be read as CSV at line {line} ({reason}); check that it is a text table with one row per line.</source>
        <translation>无法按 CSV 读取该文件的第 {line} 行（{reason}）；请检查它是否为每行一条记录的文本表格。</translation>
    </message>
    <message>
        <source>The file has no nn.Sequential(...) to read.</source>
        <translation>该文件中没有可读取的 nn.Sequential(...)。</translation>
    </message>
    <message>
        <source>The folder {folder} does not exist; create it or choose another place for {name}.</source>
        <translation>文件夹 {folder} 不存在；请创建它，或为 {name} 选择其他位置。</translation>
    </message>
    <message>
        <source>The folder {path} has no readable images; put .png or .jpg images in one sub-folder per class.</source>
        <translation>文件夹 {path} 中没有可读取的图像；请把 .png 或 .jpg 图像按类别分别放进各自的子文件夹。</translation>
    </message>
    <message>
        <source>The folder {path} has no sub-folders; put the images of each class in its own sub-folder (for example cats/ and dogs/).</source>
        <translation>文件夹 {path} 中没有子文件夹；请把每个类别的图像放进各自的子文件夹（例如 cats/ 和 dogs/）。</translation>
    </message>
    <message>
        <source>The folder {path} has only one class ({name}); a classifier needs at least two sub-folders of images.</source>
        <translation>文件夹 {path} 只有一个类别（{name}）；分类器至少需要两个图像子文件夹。</translation>
    </message>
    <message>
        <source>The image folder {path} does not exist; choose a folder with one sub-folder of images per class.</source>
        <translation>图像文件夹 {path} 不存在；请选择一个每个类别各有一个图像子文件夹的文件夹。</translation>
    </message>
    <message>
        <source>The import process could not start ({reason}).</source>
        <translation>导入进程无法启动（{reason}）。</translation>
    </message>
    <message>
        <source>The import process did not start within {seconds} seconds; try again when the computer is less busy.</source>
        <translation>导入进程未能在 {seconds} 秒内启动；请在计算机较空闲时重试。</translation>
    </message>
    <message>
        <source>The import process returned a result that cannot be read.</source>
        <translation>导入进程返回的结果无法读取。</translation>
    </message>
    <message>
        <source>The import process running {file} was ended by signal {signal} (it may have run out of memory or crashed), so nothing was imported.</source>
        <translation>运行 {file} 的导入进程被信号 {signal} 终止（可能内存不足或已崩溃），因此没有导入任何内容。</translation>
    </message>
    <message>
        <source>The import was cancelled.</source>
        <translation>导入已取消。</translation>
    </message>
    <message>
        <source>The initialisation {name!r} is unknown; choose {choices}.</source>
        <translation>未知的初始化 {name!r}；请选择 {choices}。</translation>
    </message>
    <message>
        <source>The loss became {what} {where}. The learning rate ({lr}) is probably too high; try {suggested}.</source>
        <translation>损失变成了 {what}（{where}）。学习率（{lr}）可能太高了；试试 {suggested}。</translation>
    </message>
    <message>
        <source>The loss became {what} {where}. Try a lower learning rate than {lr} (for example {suggested}), or add BatchNorm layers.</source>
        <translation>损失变成了 {what}（{where}）。请尝试比 {lr} 更低的学习率（例如 {suggested}），或添加 BatchNorm 层。</translation>
    </message>
    <message>
        <source>The loss {name!r} is unknown; choose auto, cross_entropy, nll or mse.</source>
        <translation>未知的损失函数 {name!r}；请从 auto、cross_entropy、nll 或 mse 中选择。</translation>
    </message>
    <message>
        <source>The model could not classify these images ({reason}). Check that the network&apos;s input fits the dataset.</source>
        <translation>模型无法对这些图像进行分类（{reason}）。请检查网络的输入是否与数据集相符。</translation>
    </message>
    <message>
        <source>The model gives outputs of shape {shape}, not one score per class, so it cannot classify images.</source>
        <translation>模型输出的形状是 {shape}，而不是每个类别一个得分，因此无法对图像进行分类。</translation>
    </message>
    <message>
        <source>The model takes {channels}-channel input, so it cannot read images (they have 1 or 3 channels).</source>
        <translation>模型需要 {channels} 通道的输入，因此无法读取图像（图像只有 1 或 3 个通道）。</translation>
    </message>
    <message>
        <source>The model takes {features} flat values, which is not a square image; it cannot classify images.</source>
        <translation>模型需要 {features} 个一维输入值，这不是正方形图像的大小；它无法对图像进行分类。</translation>
    </message>
    <message>
        <source>The network cannot be changed while it trains. Stop training first.</source>
        <translation>训练期间不能修改网络。请先停止训练。</translation>
    </message>
    <message>
        <source>The network could not be exported to ONNX ({detail}).</source>
        <translation>无法将网络导出为 ONNX（{detail}）。</translation>
    </message>
    <message>
        <source>The network could not be exported with torch.export ({detail}).</source>
        <translation>无法用 torch.export 导出网络（{detail}）。</translation>
    </message>
    <message>
        <source>The network does not fit the input shape {shape}. {detail}</source>
        <translation>网络与输入形状 {shape} 不匹配。{detail}</translation>
    </message>
    <message>
        <source>The network ends with a {shape} tensor, but a classifier must end with one score per class. Add a Flatten and a Linear layer at the end.</source>
        <translation>网络最后输出 {shape} 的张量，但分类器最后必须为每个类别输出一个得分。请在末尾添加 Flatten 和 Linear 层。</translation>
    </message>
    <message>
        <source>The network ends with {n} outputs, but a regression predicts one number. Make the last Linear layer output 1 feature.</source>
        <translation>网络最后有 {n} 个输出，但回归只预测一个数。请把最后一个 Linear 层的输出设为 1 个特征。</translation>
    </message>
    <message>
        <source>The network ends with {n} outputs, but the dataset has {classes} classes. Make the last Linear layer output {classes} features.</source>
        <translation>网络最后有 {n} 个输出，但数据集有 {classes} 个类别。请让最后一个 Linear 层输出 {classes} 个特征。</translation>
    </message>
    <message>
        <source>The network in the code differs from the project saved with it; the code&apos;s network was used with the saved settings.</source>
        <translation>代码中的网络与随之保存的项目不同；已使用代码中的网络和保存的设置。</translation>
    </message>
    <message>
        <source>The network takes {features} input values, but these images have {size} ({c}×{h}×{w}); set the input size to {size}, or use a (channels, height, width) input with a Flatten block.</source>
        <translation>网络需要 {features} 个输入值，但这些图像有 {size} 个（{c}×{h}×{w}）；请把输入大小设为 {size}，或使用 (通道, 高, 宽) 形式的输入并加上 Flatten 模块。</translation>
    </message>
    <message>
        <source>The network&apos;s input has {channels} channels, but images have 1 (grayscale) or 3 (colour); set the input channels to 1 or 3.</source>
        <translation>网络的输入有 {channels} 个通道，但图像只有 1 个（灰度）或 3 个（彩色）通道；请把输入通道数设为 1 或 3。</translation>
    </message>
    <message>
        <source>The network&apos;s input size {height}×{width} is empty; give it at least 1×1 pixels.</source>
        <translation>网络的输入大小 {height}×{width} 为空；至少要 1×1 像素。</translation>
    </message>
    <message>
        <source>The number of epochs must be at least 1, not {n}.</source>
        <translation>轮数至少为 1，而不是 {n}。</translation>
    </message>
    <message>
        <source>The optimizer {name!r} is unknown; choose sgd, adam, adamw, rmsprop or adagrad.</source>
        <translation>未知的优化器 {name!r}；请从 sgd、adam、adamw、rmsprop 或 adagrad 中选择。</translation>
    </message>
    <message>
        <source>The output would be empty ({shape}). Use a smaller kernel or stride, or add padding.</source>
        <translation>输出会是空的（{shape}）。请使用更小的卷积核或步幅，或增加填充。</translation>
    </message>
    <message>
        <source>The project has no architecture.</source>
        <translation>项目中没有网络结构。</translation>
    </message>
    <message>
        <source>The project saved in the code could not be read ({detail}); the network was imported with the default training settings.</source>
        <translation>无法读取代码中保存的项目（{detail}）；已使用默认训练设置导入网络。</translation>
    </message>
    <message>
        <source>The project starts from the weights in {path}, but that file is missing. Put it back beside the project, or remove &quot;initial_weights&quot; from the project file to start from fresh weights.</source>
        <translation>项目从 {path} 中的权重开始训练，但该文件不存在。请把它放回项目旁边，或者从项目文件中删除 &quot;initial_weights&quot; 以从新的权重开始。</translation>
    </message>
    <message>
        <source>The project&apos;s initial weights do not fit its network ({key}: {detail}); the network was changed after they were saved. Remove &quot;initial_weights&quot; from the project (or import the code again) to train from fresh weights.</source>
        <translation>项目的初始权重与其网络不符（{key}：{detail}）；保存权重后网络已被修改。请从项目中删除 &quot;initial_weights&quot;（或重新导入代码），以从新的权重开始训练。</translation>
    </message>
    <message>
        <source>The same learning rate all along</source>
        <translation>始终使用同一学习率</translation>
    </message>
    <message>
        <source>The same seed gives the same run</source>
        <translation>相同的种子得到相同的训练过程</translation>
    </message>
    <message>
        <source>The schedule {name!r} is unknown; choose none, step, cosine or onecycle.</source>
        <translation>未知的学习率调度 {name!r}；请从 none、step、cosine 或 onecycle 中选择。</translation>
    </message>
    <message>
        <source>The share of the images kept apart to check the network</source>
        <translation>留出来检验网络的图像比例</translation>
    </message>
    <message>
        <source>The step schedule multiplies the rate by gamma at each step</source>
        <translation>阶梯调度每一步把学习率乘以 gamma</translation>
    </message>
    <message>
        <source>The table has only {n} complete rows, too few to split into training and validation rows; add rows or change the validation share.</source>
        <translation>表格只有 {n} 个完整的行，太少，无法分成训练行和验证行；请增加行，或调整验证集比例。</translation>
    </message>
    <message>
        <source>The table has {n} features ({names}), but the network takes {shape}; set the input shape to ({n},).</source>
        <translation>表格有 {n} 个特征（{names}），但网络的输入是 {shape}；请把输入形状设为 ({n},)。</translation>
    </message>
    <message>
        <source>The target column {column} has only one value ({value}); classification needs at least two classes. Choose another column.</source>
        <translation>目标列 {column} 只有一个值（{value}）；分类至少需要两个类别。请选择另一列。</translation>
    </message>
    <message>
        <source>The target column {column} has the same value in every row, so there is nothing to predict; choose another column.</source>
        <translation>目标列 {column} 每一行的值都相同，没有可预测的内容；请选择另一列。</translation>
    </message>
    <message>
        <source>The target column {column} has {n} different values, more than the {limit} classes a network here can learn; choose another column, or the regression task.</source>
        <translation>目标列 {column} 有 {n} 个不同的值，超过了这里的网络能学习的 {limit} 个类别；请选择另一列，或选择回归任务。</translation>
    </message>
    <message>
        <source>The target column {column} holds text such as {example!r}, so it cannot be predicted as a number; choose the classification task or another column.</source>
        <translation>目标列 {column} 含有文本（例如 {example!r}），无法作为数值来预测；请选择分类任务或另一列。</translation>
    </message>
    <message>
        <source>The target is a number (regression), which the {loss} loss cannot learn; choose the MSE, L1 or Smooth L1 loss (Automatic picks MSE).</source>
        <translation>目标是数值（回归），{loss} 损失无法学习它；请选择 MSE、L1 或 Smooth L1 损失（“自动”会选 MSE）。</translation>
    </message>
    <message>
        <source>The training process did not start within {seconds:.0f} s. Try again; if it keeps happening, restart Sequential Studio.</source>
        <translation>训练进程在 {seconds:.0f} 秒内没有启动。请重试；如果问题反复出现，请重新启动 Sequential Studio。</translation>
    </message>
    <message>
        <source>The training split has no images; add images or lower the validation fraction.</source>
        <translation>训练集中没有图像；请添加图像，或降低验证集比例。</translation>
    </message>
    <message>
        <source>The unfrozen layers train at the learning rate times this factor</source>
        <translation>解冻的层以学习率乘以此系数进行训练</translation>
    </message>
    <message>
        <source>The validation fraction is {value}; choose a value between 0.01 and 0.9.</source>
        <translation>验证集比例为 {value}；请选择 0.01 到 0.9 之间的值。</translation>
    </message>
    <message>
        <source>The validation split has no images; raise the validation fraction or add images.</source>
        <translation>验证集中没有图像；请提高验证集比例，或添加图像。</translation>
    </message>
    <message>
        <source>The weights in the model file do not fit this network; resume with the project they were trained with.</source>
        <translation>模型文件中的权重与这个网络不匹配；请用训练这些权重时的项目继续训练。</translation>
    </message>
    <message>
        <source>The weights in {name} do not fit this network ({detail}). They belong to a different architecture.</source>
        <translation>{name} 中的权重与这个网络不匹配（{detail}）。它们属于另一个网络结构。</translation>
    </message>
    <message>
        <source>The weights in {name} do not fit this network: {key} has shape {got}, the network needs {want}.</source>
        <translation>{name} 中的权重与这个网络不匹配：{key} 的形状是 {got}，而网络需要 {want}。</translation>
    </message>
    <message>
        <source>The weights {key} in {name} contain NaN or infinite values, so the model cannot give meaningful predictions. Use an earlier copy or train it again.</source>
        <translation>{name} 中的权重 {key} 含有 NaN 或无穷大值，模型无法给出有意义的预测。请使用较早的副本，或重新训练。</translation>
    </message>
    <message>
        <source>The {count} images at {height}×{width} do not fit in memory; use a smaller input size or fewer images.</source>
        <translation>{count} 张 {height}×{width} 的图像无法全部放入内存；请使用更小的输入大小或更少的图像。</translation>
    </message>
    <message>
        <source>The {k}×{k} kernel is larger than its {h}×{w} input (with padding {p}). Use a smaller kernel, add padding, or remove a pooling layer before it.</source>
        <translation>{k}×{k} 的卷积核比它的 {h}×{w} 输入（填充 {p}）还大。请使用更小的卷积核、增加填充，或删除它前面的一个池化层。</translation>
    </message>
    <message>
        <source>The {loss} loss is for regression, but this dataset has classes; choose Automatic, cross-entropy, NLL or MSE.</source>
        <translation>{loss} 损失用于回归，但这个数据集是分类的；请选择“自动”、交叉熵、NLL 或 MSE。</translation>
    </message>
    <message>
        <source>The {section} settings must be an object.</source>
        <translation>{section} 设置必须是一个对象。</translation>
    </message>
    <message>
        <source>The {title} {split} files in {folder} hold {images} images but {labels} labels; delete them so they can be downloaded again, or replace them by hand.</source>
        <translation>{folder} 中的 {title} {split} 文件有 {images} 张图像，却有 {labels} 个标签；请删除这些文件以便重新下载，或手动替换它们。</translation>
    </message>
    <message>
        <source>The {title} {split} labels in {folder} are outside 0 to {top}; delete the files so they can be downloaded again, or replace them by hand.</source>
        <translation>{folder} 中的 {title} {split} 标签超出了 0 到 {top} 的范围；请删除这些文件以便重新下载，或手动替换它们。</translation>
    </message>
    <message>
        <source>There are no metrics yet; train for an epoch first.</source>
        <translation>还没有任何指标；请先训练一轮。</translation>
    </message>
    <message>
        <source>There are no weights yet: training has not started.</source>
        <translation>还没有权重：训练尚未开始。</translation>
    </message>
    <message>
        <source>There is no file at {path}.</source>
        <translation>{path} 处没有文件。</translation>
    </message>
    <message>
        <source>There is no image at {path}.</source>
        <translation>{path} 处没有图像。</translation>
    </message>
    <message>
        <source>There is no model to ask yet; train one or open a model file.</source>
        <translation>还没有可用的模型；请先训练一个，或打开模型文件。</translation>
    </message>
    <message>
        <source>There is no template called {name!r}. Choose one of: {names}.</source>
        <translation>没有名为 {name!r} 的模板。请从以下模板中选择：{names}。</translation>
    </message>
    <message>
        <source>There is no trained model yet. Train the network first.</source>
        <translation>还没有训练好的模型。请先训练网络。</translation>
    </message>
    <message>
        <source>There is no trained model yet: training has not started.</source>
        <translation>还没有训练好的模型：训练尚未开始。</translation>
    </message>
    <message>
        <source>This model learned from a CSV table, so it takes table rows, not images; predicting from images works only for models trained on images.</source>
        <translation>这个模型是用 CSV 表格训练的，输入是表格的行而不是图像；只有用图像训练的模型才能根据图像进行预测。</translation>
    </message>
    <message>
        <source>This network needs about {need} of memory ({params} for its {count} parameters, {acts} for the activations of a batch of {batch}), more than the {have} of {where}. {advice}</source>
        <translation>这个网络大约需要 {need} 内存（{count} 个参数占 {params}，批大小为 {batch} 时的激活值占 {acts}），超过了{where}的 {have}。{advice}</translation>
    </message>
    <message>
        <source>This trainer has already run; make a new one to train again.</source>
        <translation>这个训练器已经运行过了；要再次训练，请新建一个。</translation>
    </message>
    <message>
        <source>Training stopped because of an unexpected error ({kind}: {detail}). Details are in the log file.</source>
        <translation>训练因意外错误而停止（{kind}: {detail}）。详细信息见日志文件。</translation>
    </message>
    <message>
        <source>Two Linear layers with no activation between them (layers {a} and {b}) work like one Linear layer. Add a ReLU between them if you want more capacity.</source>
        <translation>两个 Linear 层之间没有激活函数（第 {a} 层和第 {b} 层），效果等同于一个 Linear 层。如果想要更强的表达能力，请在它们之间加一个 ReLU。</translation>
    </message>
    <message>
        <source>Two-stage fine-tuning: train only the unfrozen layers for this many epochs, then unfreeze the frozen ones (0: off)</source>
        <translation>两阶段微调：先只训练未冻结的层这么多轮，然后解冻已冻结的层（0：关闭）</translation>
    </message>
    <message>
        <source>Uniform</source>
        <translation>均匀</translation>
    </message>
    <message>
        <source>Unknown block type {name!r}. Known types: {known}.</source>
        <translation>未知的模块类型 {name!r}。已知类型：{known}。</translation>
    </message>
    <message>
        <source>Upsample needs a signal (channels × length) or an image (channels × height × width), but gets a flat vector of {n} values. Move it before the Flatten.</source>
        <translation>Upsample 需要信号（通道 × 长度）或图像（通道 × 高 × 宽）作为输入，但它收到的是含 {n} 个值的一维向量。请把它移到 Flatten 之前。</translation>
    </message>
    <message>
        <source>Upsample needs either a scale factor or a size, not both and not neither. Clear one of them.</source>
        <translation>Upsample 需要缩放倍数或尺寸二者之一，不能都给也不能都不给。请清空其中一个。</translation>
    </message>
    <message>
        <source>Validation share</source>
        <translation>验证集比例</translation>
    </message>
    <message>
        <source>Warm up to the peak rate, then anneal (OneCycleLR)</source>
        <translation>先升到峰值学习率，再逐渐降低 (OneCycleLR)</translation>
    </message>
    <message>
        <source>Weight decay</source>
        <translation>权重衰减</translation>
    </message>
    <message>
        <source>Weight init</source>
        <translation>权重初始化</translation>
    </message>
    <message>
        <source>Write losses, accuracies, the graph and feature maps of every run to runs/ beside the project (needs the tensorboard package)</source>
        <translation>将每次运行的损失、准确率、计算图和特征图写入项目旁的 runs/ 文件夹（需要 tensorboard 包）</translation>
    </message>
    <message>
        <source>Xavier</source>
        <translation>Xavier</translation>
    </message>
    <message>
        <source>Xavier normal</source>
        <translation>Xavier 正态</translation>
    </message>
    <message>
        <source>Xavier uniform</source>
        <translation>Xavier 均匀</translation>
    </message>
    <message>
        <source>Your own images, one sub-folder per class</source>
        <translation>你自己的图像，每个类别一个子文件夹</translation>
    </message>
    <message>
        <source>Zeros</source>
        <translation>全 0</translation>
    </message>
    <message>
        <source>colour</source>
        <translation>彩色</translation>
    </message>
    <message>
        <source>forward() returns {what} instead of the output of its last step, which a Sequential cannot do.</source>
        <translation>forward() 返回的是 {what}，而不是最后一步的输出，Sequential 做不到这一点。</translation>
    </message>
    <message>
        <source>forward() runs no layers, so there is nothing to import.</source>
        <translation>forward() 没有运行任何层，没有可导入的内容。</translation>
    </message>
    <message>
        <source>grey</source>
        <translation>灰度</translation>
    </message>
    <message>
        <source>init has no part {name!r}; it takes weight and bias.</source>
        <translation>init 没有 {name!r} 部分；它只接受 weight 和 bias。</translation>
    </message>
    <message>
        <source>init must be an object with a weight and/or a bias.</source>
        <translation>init 必须是包含 weight 和/或 bias 的对象。</translation>
    </message>
    <message>
        <source>output_padding must be smaller than the stride or the dilation ({limit}). Lower output_padding.</source>
        <translation>output_padding 必须小于步幅或膨胀系数（{limit}）。请减小 output_padding。</translation>
    </message>
    <message>
        <source>random inputs</source>
        <translation>随机输入</translation>
    </message>
    <message>
        <source>the GPU {name}</source>
        <translation>GPU {name}</translation>
    </message>
    <message>
        <source>this computer</source>
        <translation>这台计算机</translation>
    </message>
    <message>
        <source>validation images</source>
        <translation>验证图像</translation>
    </message>
    <message>
        <source>{block} at the end is wrong for cross-entropy loss, which already applies log-softmax to raw scores. Remove this layer.</source>
        <translation>使用交叉熵损失时，末尾不应有 {block}：交叉熵损失已经会对原始得分做 log-softmax。请删除这一层。</translation>
    </message>
    <message>
        <source>{block} cannot take a {shape} input. Change the layers before it, or remove it.</source>
        <translation>{block} 不能接收 {shape} 的输入。请修改它前面的层，或删除它。</translation>
    </message>
    <message>
        <source>{block} has no parameter {names}.</source>
        <translation>{block} 没有参数 {names}。</translation>
    </message>
    <message>
        <source>{block} has no weights to initialise; remove its init.</source>
        <translation>{block} 没有可初始化的权重；请删除它的 init。</translation>
    </message>
    <message>
        <source>{block} needs a signal-shaped input (channels × length), but gets a {shape} tensor. Use a block for this shape instead, or remove it.</source>
        <translation>{block} 需要信号形状的输入（通道 × 长度），但它收到的是 {shape} 的张量。请改用适合这种形状的模块，或删除它。</translation>
    </message>
    <message>
        <source>{block} needs an image-shaped input (channels × height × width), but gets a flat vector of {n} values. Move it before the Flatten, or remove it.</source>
        <translation>{block} 需要图像形状的输入（通道 × 高 × 宽），但它收到的是含 {n} 个值的一维向量。请把它移到 Flatten 之前，或删除它。</translation>
    </message>
    <message>
        <source>{block} padding can be at most half the kernel size ({half}). Lower the padding.</source>
        <translation>{block} 的填充最多只能是窗口大小的一半（{half}）。请减小填充。</translation>
    </message>
    <message>
        <source>{detail}</source>
        <translation>{detail}</translation>
    </message>
    <message>
        <source>{detail} The trained model was saved to {fallback} instead.</source>
        <translation>{detail} 训练好的模型已改为保存到 {fallback}。</translation>
    </message>
    <message>
        <source>{file} called sys.exit({code}) while it was imported, so the import was stopped. Move that call under if __name__ == &quot;__main__&quot;:, then import again.</source>
        <translation>{file} 在导入时调用了 sys.exit({code})，因此导入已停止。请将该调用移到 if __name__ == &quot;__main__&quot;: 之下，然后重新导入。</translation>
    </message>
    <message>
        <source>{file} defines the nn.Module class {names} but no nn.Sequential. Importing a class means running the file&apos;s code, so run the import again with --trust if you trust this file.</source>
        <translation>{file} 定义了 nn.Module 类 {names}，但没有 nn.Sequential。导入类需要运行文件中的代码；如果你信任这个文件，请加上 --trust 重新导入。</translation>
    </message>
    <message>
        <source>{file} did not finish within {seconds} seconds, so the import was stopped (an endless loop?). If the code needs longer, import it in a terminal with a longer time limit: studio import FILE --trust --timeout SECONDS.</source>
        <translation>{file} 未能在 {seconds} 秒内完成，因此导入已停止（是否有死循环？）。如果代码确实需要更长时间，请在终端中用更长的时间限制导入：studio import FILE --trust --timeout SECONDS。</translation>
    </message>
    <message>
        <source>{file} ended the import process with exit code {code} (os._exit?) before the import finished, so nothing was imported. Remove that call from the code the import runs.</source>
        <translation>{file} 在导入完成前以退出码 {code} 结束了导入进程（os._exit？），因此没有导入任何内容。请从导入时运行的代码中删除该调用。</translation>
    </message>
    <message>
        <source>{file} has a network of more than {n} layers, and a project holds at most {n}. Split it, or import a shorter network.</source>
        <translation>{file} 中的网络超过 {n} 层，而一个项目最多只能容纳 {n} 层。请拆分它，或导入更短的网络。</translation>
    </message>
    <message>
        <source>{file} has no nn.Sequential(...) and no nn.Module class, so there is no network to import.</source>
        <translation>{file} 中既没有 nn.Sequential(...)，也没有 nn.Module 类，没有可导入的网络。</translation>
    </message>
    <message>
        <source>{file} holds more than {calls} calls, far more than a network of at most {n} layers needs, so it was not read. Import a file with a shorter network.</source>
        <translation>{file} 包含超过 {calls} 个调用，远多于最多 {n} 层的网络所需，因此未读取。请导入网络更短的文件。</translation>
    </message>
    <message>
        <source>{file} in {folder} claims {size} bytes of data, more than an MNIST-style file holds; delete it so it can be downloaded again, or replace it by hand.</source>
        <translation>{folder} 中的 {file} 声称有 {size} 字节数据，超过 MNIST 类文件的容量；请删除它以便重新下载，或手动替换。</translation>
    </message>
    <message>
        <source>{file} in {folder} failed its checksum, so the {title} files are damaged; delete them so they can be downloaded again, or replace them by hand.</source>
        <translation>{folder} 中的 {file} 校验和不符，{title} 文件已损坏；请删除这些文件以便重新下载，或手动替换它们。</translation>
    </message>
    <message>
        <source>{file} in {folder} failed its checksum; delete it so it can be downloaded again, or replace it by hand.</source>
        <translation>{folder} 中的 {file} 校验和不符；请删除它以便重新下载，或手动替换它。</translation>
    </message>
    <message>
        <source>{file} in {folder} is an old torchvision cache that cannot be used ({problem}); delete the folder {folder} so that the files in raw/ are read (or downloaded) instead.</source>
        <translation>{folder} 中的 {file} 是无法使用的旧版 torchvision 缓存（{problem}）；请删除文件夹 {folder}，以便改为读取（或下载）raw/ 中的文件。</translation>
    </message>
    <message>
        <source>{file} in {folder} is damaged and cannot be unpacked; delete it so it can be downloaded again, or replace it by hand.</source>
        <translation>{folder} 中的 {file} 已损坏，无法解压；请删除它以便重新下载，或手动替换它。</translation>
    </message>
    <message>
        <source>{file} in {folder} is not an IDX {kind} file (its magic number is wrong); delete it so it can be downloaded again, or replace it by hand.</source>
        <translation>{folder} 中的 {file} 不是 IDX {kind} 文件（魔数不对）；请删除它以便重新下载，或手动替换它。</translation>
    </message>
    <message>
        <source>{file} in {folder} is truncated or damaged ({size} bytes where {expected} were expected); delete it so it can be downloaded again, or replace it by hand.</source>
        <translation>{folder} 中的 {file} 不完整或已损坏（只有 {size} 字节，应为 {expected} 字节）；请删除它以便重新下载，或手动替换它。</translation>
    </message>
    <message>
        <source>{file} is nested too deeply to be read.</source>
        <translation>{file} 嵌套层次太深，无法读取。</translation>
    </message>
    <message>
        <source>{file} tried to use more memory than the import allows ({limit}), so the import was stopped. Make the network smaller, or check the code for a huge allocation.</source>
        <translation>{file} 试图使用超过导入允许的内存（{limit}），因此导入已停止。请缩小网络，或检查代码中是否有超大的内存分配。</translation>
    </message>
    <message>
        <source>{message}</source>
        <translation>{message}</translation>
    </message>
    <message>
        <source>{name!r} is not a device; use auto, cpu, cuda (or cuda:1, …) or mps.</source>
        <translation>{name!r} 不是设备；请使用 auto、cpu、cuda（或 cuda:1 等）或 mps。</translation>
    </message>
    <message>
        <source>{name} ({kind}) has no parameter {param!r}; it takes {names}.</source>
        <translation>{name}（{kind}）没有参数 {param!r}；它接受 {names}。</translation>
    </message>
    <message>
        <source>{name} contains code or Python objects, not just weights, so it was not loaded. Only plain weight files can be opened; never trust such files from unknown sources.</source>
        <translation>{name} 中不只有权重，还包含代码或 Python 对象，因此没有加载。只能打开纯权重文件；切勿信任来源不明的此类文件。</translation>
    </message>
    <message>
        <source>{name} has a malformed metric history (each epoch needs a whole epoch number, in order, and numeric values). The file is damaged; use another copy.</source>
        <translation>{name} 的指标历史格式错误（每个轮次都需要按顺序排列的整数轮次编号和数值）。文件已损坏，请使用其他副本。</translation>
    </message>
    <message>
        <source>{name} has a malformed or implausible training state (epoch, step or schedule), so its run cannot be continued. Train from the project instead.</source>
        <translation>{name} 的训练状态（轮次、步数或学习率计划）格式错误或不合理，无法继续这次训练。请改为从项目开始训练。</translation>
    </message>
    <message>
        <source>{name} has a normalisation standard deviation of 0 or less, so every input would become NaN or infinite. The file is damaged; train the model again.</source>
        <translation>{name} 的归一化标准差为 0 或负数，会使所有输入变成 NaN 或无穷大。文件已损坏，请重新训练模型。</translation>
    </message>
    <message>
        <source>{name} has malformed normalisation values: it needs a mean and a standard deviation per input channel.</source>
        <translation>{name} 的归一化数值格式错误：每个输入通道都需要一个均值和一个标准差。</translation>
    </message>
    <message>
        <source>{name} holds binary data, not a text table; choose a CSV file.</source>
        <translation>{name} 含有二进制数据，不是文本表格；请选择一个 CSV 文件。</translation>
    </message>
    <message>
        <source>{name} is a project without trained weights; train it first (studio train {name}) and export the model file it writes.</source>
        <translation>{name} 是一个没有训练权重的项目；请先训练它（studio train {name}），再导出训练生成的模型文件。</translation>
    </message>
    <message>
        <source>{name} must be a number, not {value}.</source>
        <translation>{name} 必须是数字，而不是 {value}。</translation>
    </message>
    <message>
        <source>{name} must be an object with a kind, like {example}.</source>
        <translation>{name} 必须是带 kind 的对象，例如 {example}。</translation>
    </message>
    <message>
        <source>{name} must be one of {choices}, not {value}.</source>
        <translation>{name} 必须是 {choices} 之一，而不是 {value}。</translation>
    </message>
    <message>
        <source>{name}: a must be less than b (a is {a}, b is {b}).</source>
        <translation>{name}：a 必须小于 b（a 为 {a}，b 为 {b}）。</translation>
    </message>
    <message>
        <source>{output} is also an input of this command ({source}); writing there would destroy it. Choose another output file.</source>
        <translation>{output} 也是这条命令的输入（{source}），写入它会毁掉输入文件。请选择其他输出文件。</translation>
    </message>
    <message>
        <source>{path} already exists and is not the bundled MNIST sample, so it was left alone. Move it away or export the script to another folder.</source>
        <translation>{path} 已存在，但不是随附的 MNIST 样本，因此没有改动它。请把它移走，或把脚本导出到其他文件夹。</translation>
    </message>
    <message>
        <source>{path} already exists. Choose another name, or add --force to replace it.</source>
        <translation>{path} 已存在。请换一个名称，或加上 --force 替换它。</translation>
    </message>
    <message>
        <source>{path} is a folder, not a CSV file; choose a CSV file with a header row.</source>
        <translation>{path} 是文件夹，不是 CSV 文件；请选择一个带表头行的 CSV 文件。</translation>
    </message>
    <message>
        <source>{path} is not a regular file (it is a device, pipe or socket), so it is not a {kind}.</source>
        <translation>{path} 不是普通文件（而是设备、管道或套接字），因此不是{kind}。</translation>
    </message>
    <message>
        <source>{path} is not a regular file (it is a device, pipe or socket), so it is not an image.</source>
        <translation>{path} 不是普通文件（而是设备、管道或套接字），因此不是图像。</translation>
    </message>
    <message>
        <source>{path} is too large to be a Python file with a network.</source>
        <translation>{path} 太大了，不像是定义网络的 Python 文件。</translation>
    </message>
    <message>
        <source>{section}.{key} is a number far too large for any setting.</source>
        <translation>{section}.{key} 的数值过大，任何设置都不可能用到。</translation>
    </message>
    <message>
        <source>{text}</source>
        <translation>{text}</translation>
    </message>
    <message>
        <source>{where}backbone() takes a model name and a weights name.</source>
        <translation>{where}backbone() 需要一个模型名和一个权重名。</translation>
    </message>
    <message>
        <source>{where}{name} is used a second time, so both places share its weights (tied parameters). A project gives every layer its own weights, so importing it would change the network; the import stopped instead. Give each place its own layer if they should not share weights.</source>
        <translation>{where}{name} 被第二次使用，因此两处共享它的权重（绑定参数）。项目中的每一层都有自己的权重，导入会改变网络，所以导入已停止。如果两处不应共享权重，请为每处各建一个层。</translation>
    </message>
    <message>
        <source>{width}×{height} {source} → {shape} {target}</source>
        <translation>{width}×{height} {source} → {shape} {target}</translation>
    </message>
    <message>
        <source>{name} has an architecture that cannot be built: {detail}</source>
        <translation>{name} 中的网络结构无法构建：{detail}</translation>
    </message>
    <message>
        <source>--args gives the values for a class&apos;s constructor, but {file} defines no nn.Module class.</source>
        <translation>--args 用于给出类构造函数的参数值，但 {file} 没有定义 nn.Module 类。</translation>
    </message>
    <message>
        <source>--args gives {name} twice.</source>
        <translation>--args 两次给出了 {name}。</translation>
    </message>
    <message>
        <source>--args: `{text}` is not a Python literal. Give numbers, strings in quotes, True/False/None, tuples or lists, like --args 784 or --args input_num=784.</source>
        <translation>--args：`{text}` 不是 Python 字面值。请给出数字、带引号的字符串、True/False/None、元组或列表，例如 --args 784 或 --args input_num=784。</translation>
    </message>
    <message>
        <source>--args: the value `{text}` comes after a name=value pair; give plain values first.</source>
        <translation>--args：值 `{text}` 出现在 name=value 之后；请先给出不带名字的值。</translation>
    </message>
    <message>
        <source>--model-only writes Python code; leave it out with --format.</source>
        <translation>--model-only 写出的是 Python 代码；使用 --format 时请不要加它。</translation>
    </message>
    <message>
        <source>--nproc must be a whole number of at least 1, not {value}.</source>
        <translation>--nproc 必须是至少为 1 的整数，而不是 {value}。</translation>
    </message>
    <message>
        <source>--nproc must be at least 1.</source>
        <translation>--nproc 至少为 1。</translation>
    </message>
    <message>
        <source>--nproc {nproc} needs {nproc} GPUs, one per process, but this computer has {count}. Use --nproc {count}, or --device cpu.</source>
        <translation>--nproc {nproc} 需要 {nproc} 块 GPU（每个进程一块），但这台计算机只有 {count} 块。请使用 --nproc {count}，或 --device cpu。</translation>
    </message>
    <message>
        <source>60,000 small colour photos in 10 classes, downloaded on first use</source>
        <translation>60,000 张 10 个类别的彩色小图，首次使用时下载</translation>
    </message>
    <message>
        <source>70,000 clothing images, downloaded on first use</source>
        <translation>70,000 张服饰图像，首次使用时下载</translation>
    </message>
    <message>
        <source>70,000 handwritten digits, downloaded on first use</source>
        <translation>70,000 个手写数字，首次使用时下载</translation>
    </message>
    <message>
        <source>A CSV file with a header row: one column is the target, the others are the features</source>
        <translation>带表头行的 CSV 文件：其中一列是目标，其余列是特征</translation>
    </message>
    <message>
        <source>A GPU if there is one, else the CPU</source>
        <translation>有 GPU 时用 GPU，否则用 CPU</translation>
    </message>
    <message>
        <source>Backbone {model} cannot take {shape} images: they are too small for its downsampling. Use a larger input, such as 3×{side}×{side}.</source>
        <translation>主干网络 {model} 无法接收 {shape} 的图像：对它的下采样来说太小了。请使用更大的输入，例如 3×{side}×{side}。</translation>
    </message>
    <message>
        <source>Backbone {model} needs colour images (3 channels, height and width), not {shape}. Change the network&apos;s input.</source>
        <translation>主干网络 {model} 需要彩色图像（3 个通道，高和宽），而不是 {shape}。请修改网络的输入。</translation>
    </message>
    <message>
        <source>BatchNorm1d needs a flat vector or a signal (channels × length), but gets a {shape} tensor. Use BatchNorm2d here, or put a Flatten before it.</source>
        <translation>BatchNorm1d 需要一维向量或信号（通道 × 长度），但它收到的是 {shape} 的张量。请在这里改用 BatchNorm2d，或在它前面加一个 Flatten。</translation>
    </message>
    <message>
        <source>Bilinear upsampling needs an image (channels × height × width), but gets a {shape} signal. Use the nearest mode.</source>
        <translation>双线性上采样需要图像（通道 × 高 × 宽），但它收到的是 {shape} 的信号。请改用 nearest 模式。</translation>
    </message>
    <message>
        <source>CSV table…</source>
        <translation>CSV 表格…</translation>
    </message>
    <message>
        <source>Classification</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Classification for a text or whole-number target, else regression</source>
        <translation>目标为文本或整数时做分类，否则做回归</translation>
    </message>
    <message>
        <source>Could not read the CSV file {path} ({reason}); check its permissions.</source>
        <translation>无法读取 CSV 文件 {path}（{reason}）；请检查它的权限。</translation>
    </message>
    <message>
        <source>Could not read the shape {text!r}; write it like 1,28,28, 1,784 or 784.</source>
        <translation>无法识别形状 {text!r}；请写成 1,28,28、1,784 或 784 这样的形式。</translation>
    </message>
    <message>
        <source>Cross-entropy, or NLL after LogSoftmax; MSE for regression</source>
        <translation>交叉熵；网络以 LogSoftmax 结尾时用 NLL；回归用 MSE</translation>
    </message>
    <message>
        <source>Each target value is a class</source>
        <translation>目标列的每个值是一个类别</translation>
    </message>
    <message>
        <source>L1</source>
        <translation>L1</translation>
    </message>
    <message>
        <source>Mean absolute error, for regression</source>
        <translation>平均绝对误差，用于回归</translation>
    </message>
    <message>
        <source>Mean squared error: against the true values for regression, against one-hot targets for classification</source>
        <translation>均方误差：回归时与真实值比较，分类时与独热目标比较</translation>
    </message>
    <message>
        <source>No common input size fits this network.{detail} Give the size with --input-shape C,H,W (or C,L for signals, N for flat input).</source>
        <translation>没有常见的输入大小适合这个网络。{detail} 请用 --input-shape C,H,W（信号用 C,L，一维输入用 N）指定大小。</translation>
    </message>
    <message>
        <source>Replace it with {block}</source>
        <translation>替换为 {block}</translation>
    </message>
    <message>
        <source>The input shape must be channels,height,width (like 1,28,28), channels,length (like 1,784) or a feature count (like 784), with whole numbers from 1 to 65536; got {shape}.</source>
        <translation>输入形状必须写成“通道,高,宽”（如 1,28,28）、“通道,长度”（如 1,784）或特征数量（如 784），且都是 1 到 65536 之间的整数；实际为 {shape}。</translation>
    </message>
    <message>
        <source>The kernel of length {k} is longer than its input of length {n} (with padding {p}). Use a smaller kernel, add padding, or remove a pooling layer before it.</source>
        <translation>长度为 {k} 的窗口比它长度为 {n} 的输入还长（填充为 {p}）。请使用更小的窗口、增加填充，或删除它前面的一个池化层。</translation>
    </message>
    <message>
        <source>The network takes signals of {channels}×{length} values, but these images have {size} ({c}×{h}×{w}); choose a channels×length of {size} values (like {c},{hw}), or use a (channels, height, width) input.</source>
        <translation>网络接收 {channels}×{length} 个值的信号，但这些图像有 {size} 个值（{c}×{h}×{w}）；请选择总共 {size} 个值的“通道×长度”（如 {c},{hw}），或使用 (通道, 高, 宽) 输入。</translation>
    </message>
    <message>
        <source>The network&apos;s input shape {shape} does not fit images; use (channels, height, width), (channels, length) or a flat (features,) input.</source>
        <translation>网络的输入形状 {shape} 不适用于图像；请使用 (通道, 高, 宽)、(通道, 长度) 或一维 (特征数,) 输入。</translation>
    </message>
    <message>
        <source>The training process ended unexpectedly, perhaps out of memory. Your project is unchanged; lower the batch size and train again.</source>
        <translation>训练进程意外结束，可能是内存不足。你的项目没有改动；请调小批大小后重新训练。</translation>
    </message>
    <message>
        <source>Unfrozen lr factor</source>
        <translation>解冻后学习率系数</translation>
    </message>
    <message>
        <source>{block} needs an image-shaped input (channels × height × width), but gets a {shape} signal. Use a 1-D block instead, or remove it.</source>
        <translation>{block} 需要图像形状的输入（通道 × 高 × 宽），但它收到的是 {shape} 的信号。请改用一维模块，或删除它。</translation>
    </message>
    <message>
        <source>{cls}() does not take the values given with --args ({error}).</source>
        <translation>{cls}() 不接受用 --args 给出的值（{error}）。</translation>
    </message>
    <message>
        <source>{cls}() needs arguments ({error}), and the file does not create one. Give them with --args, like studio import FILE --trust --args {example}, then import again.</source>
        <translation>{cls}() 需要参数（{error}），而文件中没有创建它的实例。请用 --args 给出参数，例如 studio import FILE --trust --args {example}，然后重新导入。</translation>
    </message>
    <message>
        <source>{file} builds its network with torchvision (line {line}). Importing it means running that line and the ones that change the model, so run the import again with --trust if you trust this file.</source>
        <translation>{file} 使用 torchvision 构建网络（第 {line} 行）。导入它需要运行该行以及修改模型的各行，因此如果信任此文件，请使用 --trust 重新导入。</translation>
    </message>
    <message>
        <source>{file} in {folder} cannot be read ({detail}); delete it so it downloads again.</source>
        <translation>无法读取 {folder} 中的 {file}（{detail}）；请删除它，以便重新下载。</translation>
    </message>
    <message>
        <source>{file} is not in {folder}; connect to the internet once or copy the file there.</source>
        <translation>{folder} 中没有 {file}；请联网一次，或把该文件复制到那里。</translation>
    </message>
    <message>
        <source>{model} has no {weights} weights; choose {offered}, or none for random weights.</source>
        <translation>{model} 没有 {weights} 权重；请选择 {offered}，或不选以使用随机权重。</translation>
    </message>
    <message>
        <source>{name} has an invalid architecture: {detail}</source>
        <translation>{name} 中的网络结构无效：{detail}</translation>
    </message>
    <message>
        <source>{name} has an unsupported tensor {key} ({kind}); only dense tensors are read.</source>
        <translation>{name} 中有不支持的张量 {key}（{kind}）；只能读取稠密张量。</translation>
    </message>
    <message>
        <source>{name} has malformed class names.</source>
        <translation>{name} 中的类别名称格式不正确。</translation>
    </message>
    <message>
        <source>{name} has no valid format version.</source>
        <translation>{name} 没有有效的格式版本。</translation>
    </message>
    <message>
        <source>{name} has no valid schema_version.</source>
        <translation>{name} 没有有效的 schema_version。</translation>
    </message>
    <message>
        <source>{name} has no weights.</source>
        <translation>{name} 中没有权重。</translation>
    </message>
    <message>
        <source>{name} has weights that are not plain tensors.</source>
        <translation>{name} 中有不是普通张量的权重。</translation>
    </message>
    <message>
        <source>{name} holds a number with {digits} digits, far beyond any setting. The file is damaged or is not a Sequential Studio project.</source>
        <translation>{name} 含有一个 {digits} 位的数字，远超任何设置的范围。该文件已损坏，或不是 Sequential Studio 项目。</translation>
    </message>
    <message>
        <source>{name} holds only weights (a state_dict), without the network that uses them. Give the project too (--project FILE.json), or load the weights into an open project.</source>
        <translation>{name} 只包含权重（state_dict），没有使用这些权重的网络。请同时提供项目（--project FILE.json），或把权重加载到已打开的项目中。</translation>
    </message>
    <message>
        <source>{name} is a PyTorch file, but not a Sequential Studio model.</source>
        <translation>{name} 是 PyTorch 文件，但不是 Sequential Studio 模型。</translation>
    </message>
    <message>
        <source>{name} is a number far too large for this setting.</source>
        <translation>{name} 的数值过大，超出了此设置的范围。</translation>
    </message>
    <message>
        <source>{name} is damaged or is not a PyTorch file (it may have been cut off while saving or downloading). Use another copy.</source>
        <translation>{name} 已损坏或不是 PyTorch 文件（可能在保存或下载时被截断了）。请使用另一份副本。</translation>
    </message>
    <message>
        <source>{name} is empty (0 bytes). It is not a model file.</source>
        <translation>{name} 是空文件（0 字节），不是模型文件。</translation>
    </message>
    <message>
        <source>{name} is empty. It is not a Sequential Studio project.</source>
        <translation>{name} 是空文件，不是 Sequential Studio 项目。</translation>
    </message>
    <message>
        <source>{name} is nested too deeply to be read.</source>
        <translation>{name} 嵌套层次太深，无法读取。</translation>
    </message>
    <message>
        <source>{name} is not a Sequential Studio project (it has no &quot;format&quot;: &quot;{fmt}&quot; field). To bring in a network from PyTorch code, use Import instead.</source>
        <translation>{name} 不是 Sequential Studio 项目（缺少 &quot;format&quot;: &quot;{fmt}&quot; 字段）。要从 PyTorch 代码引入网络，请改用“导入”。</translation>
    </message>
    <message>
        <source>{name} is not a model file; train a project with &apos;studio train&apos; first and give the .pt file it writes.</source>
        <translation>{name} 不是模型文件；请先用 &apos;studio train&apos; 训练项目，再指定它生成的 .pt 文件。</translation>
    </message>
    <message>
        <source>{name} is not an nn.Module class once the file runs, so it cannot be imported.</source>
        <translation>运行该文件后，{name} 不是 nn.Module 类，因此无法导入。</translation>
    </message>
    <message>
        <source>{name} is not readable Python source ({reason}).</source>
        <translation>{name} 不是可读取的 Python 源代码（{reason}）。</translation>
    </message>
    <message>
        <source>{name} is not valid JSON, so it is not a readable project. It may be damaged or be another kind of file.</source>
        <translation>{name} 不是有效的 JSON，因此不是可读取的项目。它可能已损坏，或者是其他类型的文件。</translation>
    </message>
    <message>
        <source>{name} is {mb} MB, far too large for a {kind}. Check that you chose the right file.</source>
        <translation>{name} 有 {mb} MB，作为 {kind} 来说太大了。请确认选择的文件是否正确。</translation>
    </message>
    <message>
        <source>{name} must be a finite number.</source>
        <translation>{name} 必须是有限的数。</translation>
    </message>
    <message>
        <source>{name} must be a whole number, not {value}.</source>
        <translation>{name} 必须是整数，而不是 {value}。</translation>
    </message>
    <message>
        <source>{name} must be at least {low}, not {value}.</source>
        <translation>{name} 至少为 {low}，而不是 {value}。</translation>
    </message>
    <message>
        <source>{name} must be at most {high}, not {value}.</source>
        <translation>{name} 最多为 {high}，而不是 {value}。</translation>
    </message>
    <message>
        <source>{name} must be true or false.</source>
        <translation>{name} 必须是 true 或 false。</translation>
    </message>
    <message>
        <source>{name} needs a value.</source>
        <translation>{name} 需要一个值。</translation>
    </message>
    <message>
        <source>{name} was written by a newer version of Sequential Studio (model format {v}; this one reads up to {ours}). Update the program to open it.</source>
        <translation>{name} 由更新版本的 Sequential Studio 写入（模型格式 {v}；本版本最多只能读取 {ours}）。请更新程序后再打开。</translation>
    </message>
    <message>
        <source>{name} was written by a newer version of Sequential Studio (project format {version}; this one reads up to {ours}). Update the program to open it.</source>
        <translation>{name} 由更新版本的 Sequential Studio 写入（项目格式 {version}；本版本最多只能读取 {ours}）。请更新程序后再打开。</translation>
    </message>
    <message>
        <source>{name}: {detail}</source>
        <translation>{name}：{detail}</translation>
    </message>
    <message>
        <source>{path} is a folder, not a {kind}.</source>
        <translation>{path} 是文件夹，不是 {kind}。</translation>
    </message>
    <message>
        <source>{path} is a folder, not an image.</source>
        <translation>{path} 是文件夹，不是图像。</translation>
    </message>
    <message>
        <source>{path} is a folder; give a file name to write to.</source>
        <translation>{path} 是一个文件夹；请给出要写入的文件名。</translation>
    </message>
    <message>
        <source>{path} is not UTF-8 text, so it is not a Python file.</source>
        <translation>{path} 不是 UTF-8 文本，因此不是 Python 文件。</translation>
    </message>
    <message>
        <source>{path} is not a weights file (a saved dict of tensors), so training cannot start from it.</source>
        <translation>{path} 不是权重文件（保存的张量字典），因此无法从它开始训练。</translation>
    </message>
    <message>
        <source>{section}.{key} is {value!r}; choose one of {choices}.</source>
        <translation>{section}.{key} 的值为 {value!r}；请从 {choices} 中选择。</translation>
    </message>
    <message>
        <source>{section}.{key} is {value}, outside the allowed range {low:g} to {high:g}.</source>
        <translation>{section}.{key} 的值为 {value}，超出了允许的范围 {low:g} 到 {high:g}。</translation>
    </message>
    <message>
        <source>{section}.{key} must be a number.</source>
        <translation>{section}.{key} 必须是数字。</translation>
    </message>
    <message>
        <source>{section}.{key} must be a whole number.</source>
        <translation>{section}.{key} 必须是整数。</translation>
    </message>
    <message>
        <source>{section}.{key} must be text.</source>
        <translation>{section}.{key} 必须是文本。</translation>
    </message>
    <message>
        <source>{section}.{key} must be true or false.</source>
        <translation>{section}.{key} 必须是 true 或 false。</translation>
    </message>
    <message>
        <source>{title} could not be downloaded ({reason}); check the internet connection, or place {files} in {folder} by hand.</source>
        <translation>无法下载 {title}（{reason}）；请检查网络连接，或手动把 {files} 放到 {folder} 中。</translation>
    </message>
    <message>
        <source>{title} could not be read from {folder} ({reason}); delete the files there so they can be downloaded again, or replace them by hand.</source>
        <translation>无法从 {folder} 读取 {title}（{reason}）；请删除那里的文件以便重新下载，或手动替换它们。</translation>
    </message>
    <message>
        <source>{title} is not in {folder} and downloading is turned off; turn downloading on, or place {files} there by hand.</source>
        <translation>{folder} 中没有 {title}，且下载已关闭；请开启下载，或手动把 {files} 放到那里。</translation>
    </message>
    <message>
        <source>{where} ran out of memory at step {step} of epoch {epoch} with batch size {batch}. Try a smaller network or smaller input images.</source>
        <translation>{where} 在第 {epoch} 轮第 {step} 步时内存不足（批大小 {batch}）。请尝试更小的网络或更小的输入图像。</translation>
    </message>
    <message>
        <source>{where} ran out of memory at step {step} of epoch {epoch} with batch size {batch}. Try batch size {half}, or a smaller network.</source>
        <translation>{where} 在第 {epoch} 轮第 {step} 步时内存不足（批大小 {batch}）。请尝试把批大小设为 {half}，或使用更小的网络。</translation>
    </message>
    <message>
        <source>{where}nn.{cls} is not a block Sequential Studio has, so this network cannot be imported. The blocks are: {known}.</source>
        <translation>{where}nn.{cls} 不是 Sequential Studio 提供的模块，因此无法导入这个网络。可用的模块有：{known}。</translation>
    </message>
    <message>
        <source>{where}nn.{cls} needs a value for {name}.</source>
        <translation>{where}nn.{cls} 需要为 {name} 提供一个值。</translation>
    </message>
    <message>
        <source>{where}nn.{cls} takes no arguments here.</source>
        <translation>{where}nn.{cls} 在这里不接受参数。</translation>
    </message>
    <message>
        <source>{where}padding=&apos;same&apos; with an even kernel pads one side more than the other, which the Conv2d block cannot express. Use an odd kernel size.</source>
        <translation>{where}卷积核大小为偶数时，padding=&apos;same&apos; 会在一侧比另一侧多填充，Conv2d 模块无法表示这种情况。请使用奇数的卷积核大小。</translation>
    </message>
    <message>
        <source>{where}the arguments do not fit nn.{cls} ({reason}).</source>
        <translation>{where}参数与 nn.{cls} 不匹配（{reason}）。</translation>
    </message>
    <message>
        <source>{where}uses a tensor that an earlier step already passed on, so the network branches here, which a Sequential cannot do.</source>
        <translation>{where}用到了前面某一步已经传递出去的张量，网络在这里产生了分支，Sequential 做不到这一点。</translation>
    </message>
    <message>
        <source>{where}{construct}, which a Sequential cannot do: it passes one tensor from layer to layer.</source>
        <translation>{where}{construct}，Sequential 做不到这一点：它只能在层与层之间传递一个张量。</translation>
    </message>
    <message>
        <source>{where}{name} is given a tensor that does not come from the layer before, which a Sequential cannot do.</source>
        <translation>{where}{name} 收到的张量不是来自前一层，Sequential 做不到这一点。</translation>
    </message>
    <message>
        <source>{where}{name} must be a whole number, not {value!r}.</source>
        <translation>{where}{name} 必须是整数，而不是 {value!r}。</translation>
    </message>
    <message>
        <source>{where}{name}={value!r} cannot be imported: the {block} block has no {name} setting. Remove it to use torch&apos;s default ({default!r}).</source>
        <translation>{where}无法导入 {name}={value!r}：{block} 模块没有 {name} 设置。删除它即可使用 torch 的默认值（{default!r}）。</translation>
    </message>
    <message>
        <source>{where}{name}={value!r} is not square; Sequential Studio&apos;s blocks use the same size for height and width.</source>
        <translation>{where}{name}={value!r} 不是正方形；Sequential Studio 的模块在高和宽上使用相同的大小。</translation>
    </message>
    <message>
        <source>{where}{op} has no matching block, so this forward() cannot become a Sequential.</source>
        <translation>{where}{op} 没有对应的模块，因此这个 forward() 无法转换成 Sequential。</translation>
    </message>
    <message>
        <source>{where}{problem}</source>
        <translation>{where}{problem}</translation>
    </message>
    <message>
        <source>{where}{text} returns {kind}, not one tensor, which a Sequential cannot pass on.</source>
        <translation>{where}{text} 返回的是 {kind}，而不是一个张量，Sequential 无法继续传递。</translation>
    </message>
</context>
<context>
    <name>recovery</name>
    <message>
        <source>Recover unsaved work?</source>
        <translation>恢复未保存的工作？</translation>
    </message>
    <message>
        <source>Sequential Studio closed unexpectedly while {name} had unsaved changes. Restore them? No deletes the copy; Cancel keeps it for the next start.</source>
        <translation>Sequential Studio 在 {name} 有未保存的更改时意外关闭。要恢复这些更改吗？选择“否”会删除该副本；选择“取消”则保留到下次启动。</translation>
    </message>
</context>
<context>
    <name>templates</name>
    <message>
        <source>LeNet-5</source>
        <translation>LeNet-5</translation>
    </message>
    <message>
        <source>LeNet-5, input 1×32×32 (61,706 parameters).</source>
        <translation>LeNet-5，输入 1×32×32（61,706 个参数）。</translation>
    </message>
    <message>
        <source>LeNet for MNIST</source>
        <translation>用于 MNIST 的 LeNet</translation>
    </message>
    <message>
        <source>LeNet for 28×28 MNIST digits, padding 2 on the first convolution (61,706 parameters). The default project.</source>
        <translation>适用于 28×28 MNIST 手写数字的 LeNet，第一个卷积层填充为 2（61,706 个参数）。默认项目。</translation>
    </message>
    <message>
        <source>CIFAR-10 tutorial net</source>
        <translation>CIFAR-10 教程网络</translation>
    </message>
    <message>
        <source>The CIFAR-10 tutorial network, input 3×32×32 (62,006 parameters).</source>
        <translation>CIFAR-10 教程中的网络，输入 3×32×32（62,006 个参数）。</translation>
    </message>
    <message>
        <source>CIFAR-10 Sequential</source>
        <translation>CIFAR-10 Sequential</translation>
    </message>
    <message>
        <source>Three 5×5 convolutions with pooling and two Linear layers, input 3×32×32 (145,578 parameters).</source>
        <translation>三个带池化的 5×5 卷积层加两个 Linear 层，输入 3×32×32（145,578 个参数）。</translation>
    </message>
    <message>
        <source>MLP for Fashion-MNIST</source>
        <translation>用于 Fashion-MNIST 的 MLP</translation>
    </message>
    <message>
        <source>Flatten, Linear 784→256, ReLU, Linear 256→10 (203,530 parameters).</source>
        <translation>Flatten、Linear 784→256、ReLU、Linear 256→10（203,530 个参数）。</translation>
    </message>
    <message>
        <source>MNIST net with dropout</source>
        <translation>带 Dropout 的 MNIST 网络</translation>
    </message>
    <message>
        <source>PyTorch&apos;s MNIST example network with Dropout2d, Dropout and LogSoftmax (21,840 parameters).</source>
        <translation>PyTorch 官方 MNIST 示例网络，含 Dropout2d、Dropout 和 LogSoftmax（21,840 个参数）。</translation>
    </message>
    <message>
        <source>MNIST as signals</source>
        <translation>把 MNIST 当作信号</translation>
    </message>
    <message>
        <source>Digits read as 1×784 signals: Conv1d, BatchNorm1d, MaxPool1d and AvgPool1d (12,650 parameters).</source>
        <translation>把数字读成 1×784 的信号：Conv1d、BatchNorm1d、MaxPool1d 和 AvgPool1d（12,650 个参数）。</translation>
    </message>
    <message>
        <source>MLP on a table</source>
        <translation>表格数据上的 MLP</translation>
    </message>
    <message>
        <source>Linear 20→256, ReLU, Linear 256→10 on a bundled CSV table with 20 features (7,946 parameters).</source>
        <translation>Linear 20→256、ReLU、Linear 256→10，使用内置的 20 个特征的 CSV 表格（7,946 个参数）。</translation>
    </message>
    <message>
        <source>Regression 4→8→1</source>
        <translation>回归 4→8→1</translation>
    </message>
    <message>
        <source>Linear 4→8, ReLU, Linear 8→1 predicting a number from a bundled CSV table (49 parameters).</source>
        <translation>Linear 4→8、ReLU、Linear 8→1，根据内置的 CSV 表格预测一个数值（49 个参数）。</translation>
    </message>
    <message>
        <source>Fine-tune ResNet-18 on an image folder</source>
        <translation>在图像文件夹上微调 ResNet-18</translation>
    </message>
    <message>
        <source>A frozen ResNet-18 pretrained on ImageNet and a new Linear head, input 3×224×224: choose an image folder with one sub-folder per class, then the one-click fix gives the head one output per class. The weights download once (about 45 MB) into torch&apos;s cache (~/.cache/torch/hub/checkpoints).</source>
        <translation>一个在 ImageNet 上预训练并已冻结的 ResNet-18，加上新的 Linear 输出头，输入为 3×224×224：选择一个每个类别一个子文件夹的图像文件夹，然后一键修复会让输出头为每个类别给出一个输出。权重只需下载一次（约 45 MB），保存在 torch 的缓存中（~/.cache/torch/hub/checkpoints）。</translation>
    </message>
</context>
</TS>
