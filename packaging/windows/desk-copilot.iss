; Inno Setup script for Desk Copilot on Windows — a recipe, untested here (see packaging/README.md).
; Build the bundle on Windows first (PyInstaller runs on the target OS):
;     python -m PyInstaller --noconfirm --distpath dist --workpath build\pyinstaller packaging\desk-copilot.spec
; then compile this script from the repository root:
;     iscc packaging\windows\desk-copilot.iss          (writes dist\DeskCopilot-Setup-<version>.exe)
; A per-user install by default (no admin prompt); the user can choose "all users" in the dialog.

#define AppName "Desk Copilot"
; Override from the command line: iscc /DAppVersion=0.2.0 … (keep in step with copilot/__init__.py).
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppExe "desk-copilot-gui.exe"
#define ProgId "DeskCopilot.Document"

[Setup]
AppId={{8C6F4E7A-3D2B-4E51-9A0C-5B7D2F1E6A94}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Desk Copilot developers
DefaultDirName={autopf}\Desk Copilot
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=DeskCopilot-Setup-{#AppVersion}
SetupIconFile=desk-copilot.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Tell Explorer to refresh its associations after install/uninstall.
ChangesAssociations=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
; ChineseSimplified.isl ships with recent Inno Setup 6 releases; with an older one, take it from the
; Inno Setup translations page or drop this line.
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "associate"; Description: "Add ""Open with Desk Copilot"" for .docx, .xlsx, .xlsm, .xls, .csv and .pptx"; GroupDescription: "File types:"

[Files]
; The whole one-folder bundle (desk-copilot.exe for the console, desk-copilot-gui.exe without one, _internal\).
Source: "..\..\dist\desk-copilot\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; One ProgID that opens files in the running instance (`desk-copilot-gui.exe app "file"`).
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "Office document (Desk Copilot)"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" app ""%1"""; Tasks: associate
; "Open with" entries only (OpenWithProgids): Word/Excel/PowerPoint stay the default handlers.
Root: HKA; Subkey: "Software\Classes\.docx\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.xlsx\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.xlsm\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.xls\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.csv\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.pptx\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: associate
; Registered application, so Windows' "Default apps" settings can list it.
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".docx"; ValueData: ""; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".xlsx"; ValueData: ""; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".xlsm"; ValueData: ""; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".xls"; ValueData: ""; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".csv"; ValueData: ""; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".pptx"; ValueData: ""; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" app ""%1"""; Tasks: associate

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; PyInstaller leaves no files behind in {app}; settings and history in %APPDATA% are kept.
Type: dirifempty; Name: "{app}"
