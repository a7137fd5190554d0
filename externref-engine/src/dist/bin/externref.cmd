@echo off
rem externref: the externref command line (externref --help).
rem Runs lib\externref.jar on the Java 17+ found through JAVA_HOME or PATH;
rem EXTERNREF_OPTS holds extra JVM options.
setlocal
set "EXTERNREF_HOME=%~dp0.."
if defined JAVA_HOME (set "JAVA_EXE=%JAVA_HOME%\bin\java.exe") else (set "JAVA_EXE=java")
"%JAVA_EXE%" %EXTERNREF_OPTS% -jar "%EXTERNREF_HOME%\lib\externref.jar" %*
exit /b %ERRORLEVEL%
