; Inno Setup 6.3+ script for Tag Genius. Built by installer/build_windows.ps1:
;   ISCC.exe /DAppVersion=1.2.3 /DNumericVersion=1.2.3 installer\windows\taggenius.iss
; Installs the PyInstaller onedir build (dist\taggenius\) into Program Files, adds a
; Start-menu entry, offers Tag Genius in Explorer's "Open with" for .xml files (without
; taking over the default program for .xml), and on uninstall offers to remove the user's
; data folder, %LOCALAPPDATA%\TagGenius (platformdirs' user_data_dir("TagGenius")).

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
; Digits-and-dots form for the installer's own version resource ("1.2.0rc1" -> "1.2.0").
#ifndef NumericVersion
  #define NumericVersion AppVersion
#endif
#define AppName "Tag Genius"
#define AppExe "taggenius.exe"
#define ProgId "TagGenius.RekordboxXml"
#define Root "..\.."

[Setup]
; AppId identifies the product to Windows' uninstall list; never change it after a release.
AppId={{6C1F3B1E-5A7D-4C8E-9B2A-7E4D2F0A9C31}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Tag Genius
VersionInfoVersion={#NumericVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#Root}\dist
OutputBaseFilename=TagGenius-{#AppVersion}-windows-x64-setup
SetupIconFile={#Root}\resources\icons\taggenius.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
; The app's files are replaced as a whole on upgrade: no stale modules from an old build.
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; A new version's onedir may drop modules the old one had: start from an empty folder.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Root}\dist\taggenius\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; A ProgID for rekordbox libraries, listed under .xml's OpenWithProgids: Tag Genius shows
; in "Open with" but the user's default program for .xml stays as it was.
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "Rekordbox XML library"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"",0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\.xml\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
; The application registration gives the entry its friendly name in the "Open with" list.
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".xml"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
; An explicit "Open with Tag Genius" entry in the .xml context menu.
Root: HKA; Subkey: "Software\Classes\SystemFileAssociations\.xml\shell\TagGenius"; ValueType: string; ValueName: ""; ValueData: "Open with {#AppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\SystemFileAssociations\.xml\shell\TagGenius"; ValueType: string; ValueName: "Icon"; ValueData: """{app}\{#AppExe}"",0"
Root: HKA; Subkey: "Software\Classes\SystemFileAssociations\.xml\shell\TagGenius\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
const
  DataFolderName = 'TagGenius';

{ The user's own data: job history, tag cache, originals kept for restore, settings and
  logs. Tagged XML files the user saved elsewhere (Documents\TagGenius by default) are
  never touched. A silent uninstall keeps the data. }
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep <> usPostUninstall then
    exit;
  DataDir := ExpandConstant('{localappdata}\' + DataFolderName);
  if not DirExists(DataDir) then
    exit;
  if UninstallSilent then
    exit;
  if MsgBox('Also remove your Tag Genius data?' + #13#10#13#10 +
            'This deletes the job history, the tag cache, the original values kept for ' +
            '"Restore", your settings and the logs in:' + #13#10 + DataDir + #13#10#13#10 +
            'Tagged XML files you saved elsewhere are not touched. ' +
            'Your API key stays in Windows Credential Manager until you remove it there.',
            mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
  begin
    if not DelTree(DataDir, True, True, True) then
      MsgBox('Some files in ' + DataDir + ' could not be removed. You can delete the folder yourself.',
             mbInformation, MB_OK);
  end;
end;
